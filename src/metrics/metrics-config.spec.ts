import { ConfigError, loadConfig } from '../config/app-config';

describe('metrics settings', () => {
  it('default to loopback-only access, a worker port of 9464 and a 2 s gauge cache', () => {
    expect(loadConfig({})).toMatchObject({ METRICS_ALLOW: '127.0.0.1/8,::1/128', METRICS_PORT: 9464, METRICS_CACHE_MS: 2000 });
  });

  it.each([
    ['METRICS_ALLOW', 'localhost'],
    ['METRICS_ALLOW', '10.0.0.0/33'],
    ['METRICS_PORT', '70000'],
    ['METRICS_CACHE_MS', '-1'],
  ])('%s=%s is refused with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
