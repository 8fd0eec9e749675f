/**
 * Ingest benchmark: N usage events over S subscribers and 10 models, 5 % duplicates, batches of
 * 500, posted to a running API process and recorded by separate worker processes; compared in the
 * same run with PostgreSQL's own COPY + INSERT … ON CONFLICT DO NOTHING of the same events.
 *
 * Then freshness (§15): fresh events offered at a fixed rate, half the capacity the flood
 * measured (BENCH_STEADY_FRACTION), for BENCH_STEADY_SECONDS; p50/p99 of enqueue→commit.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { from as copyFrom } from 'pg-copy-streams';
import { Client } from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cycleContaining } from '../src/billing-rules';
import { redisOptionsFromUrl, bullPrefix } from '../src/queue/redis-options';
import { QUEUES } from '../src/queue/queue-names';
import {
  REDIS_URL,
  cpuSeconds,
  cpuSecondsOf,
  dbUrl,
  dropDatabase,
  freshDatabase,
  peakRssMiB,
  percentile,
  sleep,
  startRole,
  stop,
  seedPersonalSubscriptions,
  waitForHealth,
} from './support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 4);
const BATCH = 500;
const MODELS = 10;
const PORT = 3900;
const TZ = 'Asia/Shanghai';
const DB = 'tpb_bench_ingest';
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 30);
const STEADY_FRACTION = Number(process.env.BENCH_STEADY_FRACTION ?? 0.5);

interface Ev {
  eventId: string;
  subscriberId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  occurredAt: string;
}

async function seed(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const cycle = cycleContaining(new Date(), TZ);
  await c.query(`INSERT INTO providers (code, name) VALUES ('bench', 'Bench')`);
  await c.query(`INSERT INTO models (code, provider_code) SELECT 'model-' || i, 'bench' FROM generate_series(1, ${MODELS}) i`);
  await c.query(`INSERT INTO model_rates (model_code, effective_from, input_weight_scaled, output_weight_scaled, provider_input_price_per_million_fen, provider_output_price_per_million_fen)
                 SELECT 'model-' || i, '1970-01-01Z', 2500 * i, 10000 * i, 100, 400 FROM generate_series(1, ${MODELS}) i`);
  await c.query(`INSERT INTO plans (code, name, kind, monthly_fee_fen, allowance_credits, models, max_members, overage_mode, overage_rate_per_million_fen, overage_cap_fen, rollover_percent, rollover_max_credits)
                 VALUES ('bench', 'Bench', 'personal', 990, 10000000, '{*}', 1, 'payg', 300, 5000, 0, 0)`);
  await seedPersonalSubscriptions(c, SUBSCRIBERS, cycle);
  await c.end();
}

function makeEvents(events = EVENTS, duplicateShare = 0.05): { unique: Ev[]; batches: Ev[][] } {
  const cycleStart = cycleContaining(new Date(), TZ).start.getTime();
  const from = Math.max(cycleStart, Date.now() - 3600_000);
  const span = Date.now() - 1000 - from;
  const uniqueCount = Math.round(events * (1 - duplicateShare));
  const tag = randomBytes(3).toString('hex');
  const unique: Ev[] = Array.from({ length: uniqueCount }, (_, i) => ({
    eventId: `b-${tag}-${i}`,
    subscriberId: `sub-${1 + Math.floor(Math.random() * SUBSCRIBERS)}`,
    model: `model-${1 + Math.floor(Math.random() * MODELS)}`,
    inputTokens: Math.floor(Math.random() * 4000),
    outputTokens: Math.floor(Math.random() * 1000),
    occurredAt: new Date(from + Math.floor(Math.random() * span)).toISOString(),
  }));
  const all = [...unique, ...Array.from({ length: events - uniqueCount }, () => unique[Math.floor(Math.random() * uniqueCount)])];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const batches: Ev[][] = [];
  for (let i = 0; i < all.length; i += BATCH) batches.push(all.slice(i, i + BATCH));
  return { unique, batches };
}

const refusals: Record<string, number> = {};

/** Posts one batch, sending it again after a 429 or 503 as a gateway does (same eventIds). */
async function post(batch: Ev[], key: string): Promise<void> {
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/usage-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ events: batch }),
    });
    if (res.status === 202) return;
    const text = await res.text();
    if (res.status !== 429 && res.status !== 503) throw new Error(`ingest answered ${res.status}: ${text}`);
    refusals[res.status] = (refusals[res.status] ?? 0) + 1;
    await sleep(250);
  }
}

async function postAll(batches: Ev[][], key: string): Promise<void> {
  let next = 0;
  const sender = async () => {
    while (next < batches.length) await post(batches[next++], key);
  };
  await Promise.all(Array.from({ length: 8 }, sender));
}

/** Open loop: one batch every BATCH / rate seconds, whatever the answers take. */
async function postSteady(batches: Ev[][], eventsPerSec: number, key: string): Promise<void> {
  const intervalMs = (BATCH / eventsPerSec) * 1000;
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < batches.length; i++) {
    const due = started + i * intervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
    inFlight.push(post(batches[i], key));
  }
  await Promise.all(inFlight);
}

async function waitRecorded(url: string, expected: number): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  for (;;) {
    const { rows } = await c.query('SELECT count(*)::int AS n FROM usage_event_ids');
    if (rows[0].n >= expected) break;
    await sleep(250);
  }
  await c.end();
}

async function baseline(url: string, events: Ev[]): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE TABLE bench_stage (event_id text, subscriber_id text, model text, input_tokens bigint, output_tokens bigint, occurred_at timestamptz)`);
  await c.query(
    `CREATE TABLE bench_ledger (event_id text PRIMARY KEY, subscriber_id text, model text, input_tokens bigint, output_tokens bigint, occurred_at timestamptz)`,
  );
  const started = process.hrtime.bigint();
  const lines = (function* () {
    for (const e of events) yield `${e.eventId}\t${e.subscriberId}\t${e.model}\t${e.inputTokens}\t${e.outputTokens}\t${e.occurredAt}\n`;
  })();
  await pipeline(Readable.from(lines), c.query(copyFrom('COPY bench_stage FROM STDIN')));
  await c.query('INSERT INTO bench_ledger SELECT * FROM bench_stage ON CONFLICT (event_id) DO NOTHING');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await c.end();
  return seconds;
}

/** Enqueue-to-commit latency of every job, and how many jobs the API made of the requests. */
async function completedJobs(prefix: string): Promise<{ latencies: number[]; jobs: number }> {
  const queue = new Queue(QUEUES.usageEvents, { connection: redisOptionsFromUrl(REDIS_URL), prefix: bullPrefix(prefix) });
  const jobs = await queue.getCompleted(0, -1);
  await queue.obliterate({ force: true });
  await queue.close();
  return {
    latencies: jobs
      .filter((j) => j.finishedOn)
      .map((j) => j.finishedOn! - j.timestamp)
      .sort((a, b) => a - b),
    jobs: jobs.length,
  };
}

async function main(): Promise<void> {
  const ds = await freshDatabase(DB);
  await ds.destroy();
  const url = dbUrl(DB);
  await seed(url);
  const { unique, batches } = makeEvents();
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const env = { DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: prefix, ADMIN_API_KEY: key, PORT: String(PORT), BILLING_TZ: TZ };
  // BENCH_USAGE_LINGER_MS sets the API's USAGE_LINGER_MS (how long it waits to merge requests into one job).
  const linger = process.env.BENCH_USAGE_LINGER_MS;
  const api = startRole('api', { ...env, ...(linger ? { USAGE_LINGER_MS: linger } : {}) });
  const workers = Array.from({ length: WORKERS }, () => startRole('worker', { ...env, WORKER_CONCURRENCY: String(CONCURRENCY) }));
  try {
    await waitForHealth(PORT);
    await sleep(2000);
    const cpuBefore = {
      api: cpuSeconds(api.pid!),
      workers: workers.map((w) => cpuSeconds(w.pid!)),
      postgres: cpuSecondsOf('postgres'),
      redis: cpuSecondsOf('redis-server'),
    };
    const started = Date.now();
    await postAll(batches, key);
    const posted = Date.now();
    const floodRefusals = { ...refusals };
    await waitRecorded(url, unique.length);
    const seconds = (Date.now() - started) / 1000;
    const rss = workers.map((w) => peakRssMiB(w.pid!));
    const cpu = {
      api: round(cpuSeconds(api.pid!) - cpuBefore.api),
      workers: workers.map((w, i) => round(cpuSeconds(w.pid!) - cpuBefore.workers[i])),
      postgres: round(cpuSecondsOf('postgres') - cpuBefore.postgres),
      redis: round(cpuSecondsOf('redis-server') - cpuBefore.redis),
    };
    const { latencies, jobs } = await completedJobs(prefix);
    const rate = EVENTS / seconds;
    const steadyRate = Math.round(rate * STEADY_FRACTION);
    const steady = makeEvents(Math.round((steadyRate * STEADY_SECONDS) / BATCH) * BATCH, 0);
    await postSteady(steady.batches, steadyRate, key);
    await waitRecorded(url, unique.length + steady.unique.length);
    const fresh = await completedJobs(prefix);
    const baselineSeconds = await baseline(url, batches.flat());
    const baseRate = EVENTS / baselineSeconds;
    console.log(
      JSON.stringify(
        {
          events: EVENTS,
          unique: unique.length,
          subscribers: SUBSCRIBERS,
          workers: WORKERS,
          workerConcurrency: CONCURRENCY,
          usageLingerMs: linger ?? 'default',
          batch: BATCH,
          pipelineSeconds: round(seconds),
          enqueueSeconds: round((posted - started) / 1000),
          pipelineEventsPerSec: Math.round(rate),
          baselineSeconds: round(baselineSeconds),
          baselineEventsPerSec: Math.round(baseRate),
          ratio: round(rate / baseRate),
          jobs,
          meanEventsPerJob: Math.round(EVENTS / Math.max(1, jobs)),
          p50JobLatencyMs: percentile(latencies, 50),
          p99JobLatencyMs: percentile(latencies, 99),
          workerPeakRssMiB: rss,
          cpuSecondsDuringPipeline: cpu,
          refusalsDuringFlood: floodRefusals,
          refusalsInAll: refusals,
          steady: {
            offeredEventsPerSec: steadyRate,
            seconds: STEADY_SECONDS,
            events: steady.unique.length,
            jobs: fresh.jobs,
            p50EnqueueToCommitMs: percentile(fresh.latencies, 50),
            p99EnqueueToCommitMs: percentile(fresh.latencies, 99),
            targetP99Ms: 2000,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await Promise.all([stop(api), ...workers.map(stop)]);
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
