import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ BILLING_TZ: 'Asia/Shanghai', TAX_RATE_BP: 600, USAGE_RETENTION_DAYS: 90, PORT: 3000, APP_ROLE: 'all' });
  });

  it('converts numeric strings and booleans from the environment', () => {
    const c = loadConfig({ PORT: '8080', TAX_RATE_BP: '900', MIGRATIONS_RUN: 'false' });
    expect(c.PORT).toBe(8080);
    expect(c.TAX_RATE_BP).toBe(900);
    expect(c.MIGRATIONS_RUN).toBe(false);
  });

  it.each([
    ['USAGE_RETENTION_DAYS', '0'],
    ['APP_ROLE', 'both'],
    ['ADMIN_API_KEY', 'short'],
    ['REDIS_URL', 'http://x'],
    ['MIGRATIONS_RUN', 'yes'],
    ['LOG_LEVEL', 'loud'],
  ])('%s=%s is refused with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('requires DATABASE_URL and REDIS_URL in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://r:6379' })).toThrow(/DATABASE_URL/);
  });

  it.each([
    ['ADMIN_API_KEY', 'leaked-secret', 'leaked-secret'],
    ['DATABASE_URL', 'mysql://app:leaked-pw@db:3306/x', 'leaked-pw'],
    ['DATABASE_URL', 'postgres//app:leaked-pw@db/x', 'leaked-pw'],
    ['REDIS_URL', 'http://:leaked-pw@redis:6379', 'leaked-pw'],
  ])('a refused %s is named but its secret is never echoed', (name, value, secret) => {
    let message = '';
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${name} `));
    expect(message).not.toContain(secret);
  });
});
