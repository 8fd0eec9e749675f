import { MetricsAllowList } from './metrics-allow-list';

describe('MetricsAllowList (who may read /metrics without a key)', () => {
  const loopback = MetricsAllowList.parse('127.0.0.1/8,::1/128');

  it('allows loopback peers, IPv4-mapped ones included', () => {
    expect(loopback.allows('127.0.0.1')).toBe(true);
    expect(loopback.allows('127.3.2.1')).toBe(true);
    expect(loopback.allows('::ffff:127.0.0.1')).toBe(true);
    expect(loopback.allows('::1')).toBe(true);
  });

  it('refuses any other peer, and an unknown or malformed address', () => {
    expect(loopback.allows('10.0.0.5')).toBe(false);
    expect(loopback.allows('::ffff:10.0.0.5')).toBe(false);
    expect(loopback.allows('fe80::1')).toBe(false);
    expect(loopback.allows(undefined)).toBe(false);
    expect(loopback.allows('not-an-ip')).toBe(false);
  });

  it('takes CIDRs and single addresses; an empty list allows nobody', () => {
    const list = MetricsAllowList.parse(' 10.0.0.0/8 , 192.168.1.7, fd00::/8');
    expect(list.allows('10.200.1.1')).toBe(true);
    expect(list.allows('192.168.1.7')).toBe(true);
    expect(list.allows('192.168.1.8')).toBe(false);
    expect(list.allows('fd12::5')).toBe(true);
    expect(MetricsAllowList.parse('').allows('127.0.0.1')).toBe(false);
    expect(MetricsAllowList.parse('none').allows('127.0.0.1')).toBe(false);
  });

  it('names an entry that is not an address or CIDR', () => {
    expect(() => MetricsAllowList.parse('127.0.0.1/8,localhost')).toThrow('"localhost"');
    expect(() => MetricsAllowList.parse('10.0.0.0/33')).toThrow('"10.0.0.0/33"');
  });
});
