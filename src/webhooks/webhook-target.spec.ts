import { isPublicAddress, refusedTargetReason } from './webhook-target';

describe('webhook targets', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    'ff02::1',
  ])('refuses the non-public address %s', (a) => {
    expect(isPublicAddress(a)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8'])('accepts the public address %s', (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });

  it.each([
    'http://127.0.0.1:8080/h',
    'http://[::1]/h',
    'http://[::ffff:127.0.0.1]/h',
    'http://0.0.0.0/h',
    'http://169.254.169.254/latest/meta-data',
    'http://2130706433/h',
    'http://0x7f.1/h',
    'http://localhost/h',
    'http://api.localhost/h',
    'http://intranet/h',
    'http://10.0.0.5/h',
  ])('refuses to register %s', (url) => {
    expect(refusedTargetReason(url)).not.toBeNull();
  });

  it.each(['https://crm.example.com/hooks', 'http://8.8.8.8/h', 'https://[2606:4700::1111]/h'])('registers %s', (url) => {
    expect(refusedTargetReason(url)).toBeNull();
  });
});
