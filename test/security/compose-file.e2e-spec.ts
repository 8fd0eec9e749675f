import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The service blocks of docker-compose.yml, by name (two-space indented keys under `services:`). */
function services(): Record<string, string> {
  const text = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
  const body = text.slice(text.indexOf('services:\n') + 'services:\n'.length, text.search(/^volumes:/m));
  const blocks = body.split(/^ {2}(?=[a-z][\w-]*:\s*$)/m).filter((b) => b.trim());
  return Object.fromEntries(blocks.map((b) => [b.slice(0, b.indexOf(':')), b]));
}

describe('docker-compose keeps the data stores private', () => {
  const s = services();

  it.each(['postgres', 'redis'])('%s publishes no port on the host', (name) => {
    expect(s[name]).toBeDefined();
    expect(s[name]).not.toMatch(/^\s*ports:/m);
  });

  it('Redis requires a password and the services connect with it', () => {
    expect(s.redis).toContain('"--requirepass", "${REDIS_PASSWORD:?');
    expect(s.api).toContain('REDIS_URL: redis://:${REDIS_PASSWORD:?');
  });

  it('the PostgreSQL password comes from the environment, with no default', () => {
    expect(s.postgres).toContain('POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?');
    expect(s.api).toContain('DATABASE_URL: postgres://postgres:${POSTGRES_PASSWORD:?');
    expect(Object.values(s).join('\n')).not.toMatch(/postgres:postgres@|POSTGRES_PASSWORD: postgres\b/);
  });
});
