import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30000,
  });
}

describe('startup configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ TAX_RATE_BP: '-1' }, 'TAX_RATE_BP'],
    [{ BILLING_TZ: 'Mars/Olympus' }, 'BILLING_TZ'],
    [{ NODE_ENV: 'production' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  ])('%j stops the process with one line naming %s', (env, variable) => {
    const run = start(env);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});
