/**
 * Settlement export benchmark: N PENDING charges inserted with SQL into a fresh database, exported
 * by the real SettlementRunner in a child process (a Nest application context, like the CLI) that
 * reports its own time and peak RSS; compared in the same run with PostgreSQL's
 * COPY (SELECT … same columns …) TO STDOUT streamed to a file.
 *
 * The child runs compiled JavaScript, as production does (`npm run build && npm run start:prod`):
 * ts-node's in-memory compiler alone adds ~90 MiB to a process. BENCH_TS_NODE=1 runs it under
 * ts-node instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { AppModule } from '../src/app.module';
import { periodBounds } from '../src/billing-rules';
import { loadConfig } from '../src/config/app-config';
import { SettlementRunner } from '../src/settlement/settlement-runner.service';
import { SettlementBatch } from '../src/settlement/entities/settlement-batch.entity';
import { DataSource } from 'typeorm';
import { REDIS_URL, ROOT, dbUrl, dropDatabase, freshDatabase } from './support';

const CHARGES = Number(process.env.BENCH_CHARGES ?? 1_000_000);
const ACCOUNTS = 10_000;
const DB = 'tpb_bench_settlement';

interface ChildReport {
  batchId: string;
  recordCount: number;
  fileName: string;
  runSeconds: number;
  rewriteSeconds: number;
  bootRssMiB: number;
  peakRssMiB: number;
}

async function seed(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(
    `INSERT INTO accounts (id, external_ref, type, name) SELECT md5('a' || i)::uuid, 'BA-' || i, 'individual', 'A' || i FROM generate_series(1, ${ACCOUNTS}) i`,
  );
  // Each account's invoice first (charges reference it).
  await c.query(
    `INSERT INTO invoices (account_id, billing_period, period_end_at) SELECT md5('a' || i)::uuid, '2026-11', $1 FROM generate_series(1, ${ACCOUNTS}) i`,
    [periodBounds('2026-11', process.env.BILLING_TZ ?? 'Asia/Shanghai').end],
  );
  // Every tenth description needs RFC 4180 quoting (comma, quotes, a line break), some are Chinese.
  await c.query(`
    INSERT INTO charges (account_id, account_external_ref, billing_period, type, description, quantity, amount_fen, tax_rate_bp, tax_fen)
    SELECT md5('a' || (1 + i % ${ACCOUNTS}))::uuid, 'BA-' || (1 + i % ${ACCOUNTS}), '2026-11', 'ADJUSTMENT',
           CASE WHEN i % 10 = 0 THEN 'Credit ' || i || ', "outage"' || E'\\n' || '第二行' WHEN i % 10 = 1 THEN '服务补偿 ' || i ELSE 'Adjustment ' || i END,
           NULL, 100 + i % 1000, 600, (100 + i % 1000) * 600 / 10600
    FROM generate_series(1, ${CHARGES}) i`);
  await c.query('ANALYZE');
  await c.end();
}

/** Runs in the child: the export exactly as the CLI does it, then a phase-2-only rewrite of the same file. */
async function child(): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'error', MIGRATIONS_RUN: 'false' });
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole('cli', config), { logger: ['error'] });
  const bootRssMiB = mib(process.resourceUsage().maxRSS * 1024);
  const runner = ctx.get(SettlementRunner);
  let started = process.hrtime.bigint();
  const { body } = await runner.run(null);
  const runSeconds = seconds(started);
  if (!body) throw new Error('no batch was created');
  const batch = await ctx.get(DataSource).manager.findOneByOrFail(SettlementBatch, { id: body.id });
  rmSync(join(config.SETTLEMENT_OUTBOX_DIR, batch.fileName));
  started = process.hrtime.bigint();
  await runner.regenerate(batch);
  const rewriteSeconds = seconds(started);
  const peakRssMiB = mib(process.resourceUsage().maxRSS * 1024);
  // Peak over the whole process: boot, phase 1, the streaming export and the rewrite.
  await ctx.close();
  const report: ChildReport = { batchId: body.id, recordCount: body.recordCount, fileName: body.fileName, runSeconds, rewriteSeconds, bootRssMiB, peakRssMiB };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Compiles the project where Node still resolves /work/main/node_modules; type errors elsewhere do not block emit. */
function compiled(): string[] {
  if (process.env.BENCH_TS_NODE) return ['-r', 'ts-node/register/transpile-only', 'bench/settlement.ts'];
  const out = join('node_modules', '.cache', 'tpb-bench');
  spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', out, '--incremental', 'false', '--sourceMap', 'false'],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  );
  return [join(out, 'bench', 'settlement.js')];
}

function runChild(env: Record<string, string>): Promise<ChildReport> {
  const script = compiled();
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [...script, '--child'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? done(JSON.parse(out.trim().split('\n').pop()!)) : fail(new Error(`export child exited ${code}`))));
  });
}

async function copyBaseline(url: string, batchId: string, path: string): Promise<number> {
  if (!/^[0-9a-f-]{36}$/.test(batchId)) throw new Error('not a batch id');
  const c = new Client({ connectionString: url });
  await c.connect();
  const started = process.hrtime.bigint();
  const copy = c.query(
    copyTo(`COPY (SELECT id, account_external_ref, type, billing_period, description, quantity, amount_fen, tax_fen, currency
                  FROM charges WHERE settlement_batch_id = '${batchId}' ORDER BY seq) TO STDOUT WITH (FORMAT csv, HEADER)`),
  );
  await pipeline(copy, createWriteStream(path));
  const elapsed = seconds(started);
  await c.end();
  return elapsed;
}

async function main(): Promise<void> {
  const ds = await freshDatabase(DB);
  await ds.destroy();
  const url = dbUrl(DB);
  const outbox = mkdtempSync(join(tmpdir(), 'tpb-bench-outbox-'));
  try {
    const seedStart = process.hrtime.bigint();
    await seed(url);
    const seedSeconds = seconds(seedStart);
    const env = { DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: `bench${randomBytes(3).toString('hex')}`, SETTLEMENT_OUTBOX_DIR: outbox };
    const r = await runChild(env);
    const baselinePath = join(outbox, 'baseline.csv');
    const baselineSeconds = await copyBaseline(url, r.batchId, baselinePath);
    const fileMiB = mib(statSync(join(outbox, r.fileName)).size);
    console.log(
      JSON.stringify(
        {
          charges: CHARGES,
          childRuntime: process.env.BENCH_TS_NODE ? 'ts-node' : 'compiled',
          seedSeconds: round(seedSeconds),
          recordCount: r.recordCount,
          fileMiB,
          baselineFileMiB: mib(statSync(baselinePath).size),
          exportRunSeconds: r.runSeconds,
          exportFileOnlySeconds: r.rewriteSeconds,
          copyBaselineSeconds: baselineSeconds,
          ratioRunToCopy: round(r.runSeconds / baselineSeconds),
          ratioFileToCopy: round(r.rewriteSeconds / baselineSeconds),
          exportProcessRssAfterBootMiB: r.bootRssMiB,
          exportProcessPeakRssMiB: r.peakRssMiB,
          rssTargetMiB: 256,
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(outbox, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
  }
}

const seconds = (since: bigint) => round(Number(process.hrtime.bigint() - since) / 1e9);
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round = (x: number) => Math.round(x * 100) / 100;

(process.argv.includes('--child') ? child() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
