import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { TestApp } from './test-app';

const ROOT = join(__dirname, '..', '..');

/** A separate worker process on the test app's database and Redis prefix, as in production. */
export function spawnWorker(t: TestApp, env: Record<string, string> = {}, stdio: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      APP_ROLE: 'worker',
      DATABASE_URL: t.config.DATABASE_URL,
      REDIS_URL: t.config.REDIS_URL,
      REDIS_PREFIX: t.config.REDIS_PREFIX,
      BILLING_TZ: t.config.BILLING_TZ,
      USAGE_RETENTION_DAYS: String(t.config.USAGE_RETENTION_DAYS),
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'error',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      ...env,
    },
    stdio: ['ignore', stdio, stdio],
  });
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
