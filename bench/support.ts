import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';

export const ROOT = join(__dirname, '..');
export const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function dbUrl(name: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database for one benchmark run. */
export async function freshDatabase(name: string): Promise<DataSource> {
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const ds = new DataSource(dataSourceOptions({ DATABASE_URL: dbUrl(name) }));
  await ds.initialize();
  await ds.runMigrations();
  return ds;
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

/** Starts the service in one of its roles, compiled on the fly like `npm start` (BENCH_NODE_ARGS adds node flags, e.g. --cpu-prof). */
export function startRole(role: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawn(process.execPath, [...extra, '-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', APP_ROLE: role, MIGRATIONS_RUN: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export async function waitForHealth(port: number, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error('API did not become healthy');
}

/** Peak resident set size of a process (VmHWM), in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * N personal subscriptions on plan 'bench' (which the caller creates), each with one member
 * `sub-<i>`, an open cycle for `cycle` and a 10,000,000-credit plan bucket, inserted set-wise in
 * the shape the service itself writes.
 */
export async function seedPersonalSubscriptions(c: Client, n: number, cycle: { period: string; start: Date; end: Date }): Promise<void> {
  const series = `generate_series(1, ${n}) i`;
  await c.query(`INSERT INTO accounts (id, external_ref, type, name) SELECT md5('a' || i)::uuid, 'BA-' || i, 'individual', 'A' || i FROM ${series}`);
  await c.query(
    `INSERT INTO subscriptions (id, account_id, plan_code, status, start_at) SELECT md5('s' || i)::uuid, md5('a' || i)::uuid, 'bench', 'active', $1 FROM ${series}`,
    [cycle.start],
  );
  await c.query(
    `INSERT INTO cycles (id, subscription_id, period, start_at, end_at, plan_code, first_cycle, fee_fen, allowance_credits, status)
     SELECT md5('c' || i)::uuid, md5('s' || i)::uuid, $1, $2, $3, 'bench', true, 990, 10000000, 'open' FROM ${series}`,
    [cycle.period, cycle.start, cycle.end],
  );
  await c.query(`UPDATE subscriptions s SET current_cycle_id = c.id FROM cycles c WHERE c.subscription_id = s.id`);
  await c.query(
    `INSERT INTO buckets (subscription_id, cycle_id, kind, granted_credits, remaining_credits, valid_from, expires_at)
     SELECT md5('s' || i)::uuid, md5('c' || i)::uuid, 'plan', 10000000, 10000000 - i, $1, $2 FROM ${series}`,
    [cycle.start, cycle.end],
  );
  await c.query(`INSERT INTO members (subscription_id, subscriber_id, added_at) SELECT md5('s' || i)::uuid, 'sub-' || i, $1 FROM ${series}`, [cycle.start]);
  await c.query('ANALYZE');
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every process of a given command name (e.g. all PostgreSQL backends). */
export function cpuSecondsOf(command: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) total += cpuSeconds(Number(entry));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return total;
}
