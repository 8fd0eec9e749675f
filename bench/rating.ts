/**
 * Bill-run benchmark: N subscriptions across block and payg plans (with overage, rollover,
 * pending plan changes and cancellations), a month of usage already reflected in their cycles;
 * the real run (API-created, processed by a separate worker process with its chunk jobs) is timed
 * against one set-based SQL statement producing the equivalent charge rows.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { cycleContaining, periodBounds } from '../src/billing-rules';
import { REDIS_URL, dbUrl, dropDatabase, freshDatabase, peakRssMiB, sleep, startRole, stop, waitForHealth } from './support';

const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
const PORT = 3901;
const TZ = 'Asia/Shanghai';
const DB = 'tpb_bench_rating';

async function seed(c: Client, period: string, start: Date, end: Date): Promise<void> {
  await c.query(`INSERT INTO providers (code, name) VALUES ('bench', 'Bench')`);
  await c.query(`INSERT INTO plans (code, name, kind, monthly_fee_fen, allowance_credits, models, max_members, overage_mode, overage_rate_per_million_fen, overage_cap_fen, rollover_percent, rollover_max_credits) VALUES
    ('personal-9.9', 'Personal 9.9', 'personal', 990, 10000000, '{*}', 1, 'block', 0, NULL, 50, 5000000),
    ('personal-1', 'Personal 1', 'personal', 100, 400000, '{*}', 1, 'block', 0, NULL, 0, 0),
    ('business-pool-s', 'Business S', 'business', 19900, 200000000, '{*}', 50, 'payg', 300, 50000, 30, 20000000),
    ('family-5', 'Family 5', 'family', 2990, 40000000, '{*}', 5, 'payg', 300, 5000, 30, 10000000)`);
  const plan = `(ARRAY['personal-9.9','personal-1','business-pool-s','family-5'])[1 + i % 4]`;
  await c.query(
    `INSERT INTO accounts (id, external_ref, type, name) SELECT md5('a' || i)::uuid, 'BA-' || i, 'individual', 'A' || i FROM generate_series(1, ${N}) i`,
  );
  await c.query(
    `INSERT INTO subscriptions (id, account_id, plan_code, pending_plan_code, status, start_at)
     SELECT md5('s' || i)::uuid, md5('a' || i)::uuid, ${plan}, CASE WHEN i % 10 = 1 THEN 'family-5' END,
            CASE WHEN i % 20 = 3 THEN 'cancelled' ELSE 'active' END, $1 FROM generate_series(1, ${N}) i`,
    [start],
  );
  // Usage already recorded: payg cycles carry overage (some beyond the cap), block cycles unbilled credits.
  await c.query(
    `INSERT INTO cycles (id, subscription_id, period, start_at, end_at, plan_code, first_cycle, fee_fen, allowance_credits, status, overage_credits, unbilled_credits)
     SELECT md5('c' || i)::uuid, md5('s' || i)::uuid, $1, $2, $3, p.code, false, p.monthly_fee_fen, p.allowance_credits, 'open',
            CASE WHEN p.overage_mode = 'payg' THEN (i * 7919) % 30000000 ELSE 0 END, CASE WHEN p.overage_mode = 'block' THEN i % 1000 ELSE 0 END
     FROM generate_series(1, ${N}) i JOIN plans p ON p.code = ${plan}`,
    [period, start, end],
  );
  await c.query(`UPDATE subscriptions s SET current_cycle_id = c.id FROM cycles c WHERE c.subscription_id = s.id`);
  await c.query(
    `INSERT INTO buckets (subscription_id, cycle_id, kind, granted_credits, remaining_credits, valid_from, expires_at)
     SELECT c.subscription_id, c.id, 'plan', c.allowance_credits, (c.allowance_credits * ((hashtext(c.id::text) & 7)) / 7), c.start_at, c.end_at FROM cycles c`,
  );
  await c.query(`INSERT INTO members (subscription_id, subscriber_id, added_at) SELECT md5('s' || i)::uuid, 'sub-' || i, $1 FROM generate_series(1, ${N}) i`, [
    start,
  ]);
  await c.query('ANALYZE');
}

const BASELINE_SELECT = `
    SELECT s.account_id, a.external_ref, s.id, c.id, c.period, t.type, p.name || ' ' || c.period, t.qty, t.amount, 600, (t.amount * 1200 + 10600) / 21200
    FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id JOIN accounts a ON a.id = s.account_id JOIN plans p ON p.code = c.plan_code
    CROSS JOIN LATERAL (VALUES ('RECURRING', c.allowance_credits, c.fee_fen),
      ('OVERAGE', c.overage_credits, LEAST((c.overage_credits * p.overage_rate_per_million_fen * 2 + 1000000) / 2000000, COALESCE(p.overage_cap_fen, 9223372036854775807)))) AS t(type, qty, amount)
    WHERE t.type = 'RECURRING' OR (p.overage_mode = 'payg' AND t.amount > 0)`;
const CHARGE_COLUMNS =
  'account_id, account_external_ref, subscription_id, cycle_id, billing_period, type, description, quantity, amount_fen, tax_rate_bp, tax_fen';

/** The baseline: the same RECURRING and OVERAGE rows from one INSERT … SELECT into a bare copy of `charges`. */
async function baseline(c: Client): Promise<number> {
  await c.query(`CREATE TABLE bench_charges (LIKE charges INCLUDING DEFAULTS INCLUDING IDENTITY)`);
  const started = process.hrtime.bigint();
  await c.query(`INSERT INTO bench_charges (${CHARGE_COLUMNS}) ${BASELINE_SELECT}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * The same statement into `charges` itself, after registering the invoices the charges reference,
 * with the indexes, foreign keys and triggers the run's rows pay for too, rolled back afterwards:
 * the cost of the rows alone, as the service must store them.
 */
async function baselineIntoCharges(c: Client, periodEnd: Date): Promise<number> {
  await c.query('BEGIN');
  const started = process.hrtime.bigint();
  await c.query(
    `INSERT INTO invoices (account_id, billing_period, period_end_at) SELECT DISTINCT s.account_id, c.period, $1::timestamptz
     FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id`,
    [periodEnd],
  );
  await c.query(`INSERT INTO charges (${CHARGE_COLUMNS}) ${BASELINE_SELECT}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await c.query('ROLLBACK');
  return seconds;
}

async function main(): Promise<void> {
  const now = new Date();
  const last = cycleContaining(new Date(cycleContaining(now, TZ).start.getTime() - 1), TZ);
  const ds = await freshDatabase(DB);
  await ds.destroy();
  const c = new Client({ connectionString: dbUrl(DB) });
  await c.connect();
  await seed(c, last.period, last.start, last.end);
  const baselineSeconds = await baseline(c);
  const [{ n: baselineRows }] = (await c.query('SELECT count(*)::int AS n FROM bench_charges')).rows;
  const chargesTableSeconds = await baselineIntoCharges(c, last.end);
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const env = {
    DATABASE_URL: dbUrl(DB),
    REDIS_URL,
    REDIS_PREFIX: `benchr${randomBytes(3).toString('hex')}`,
    ADMIN_API_KEY: key,
    PORT: String(PORT),
    BILLING_TZ: TZ,
  };
  const api = startRole('api', env);
  // BENCH_WORKER_NODE_OPTIONS (e.g. --max-old-space-size=160) tells heap growth from retained data.
  const nodeOptions: Record<string, string> = process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {};
  // RATING_CHUNK_SIZE / RATING_SLICE_SIZE, when set, reach the worker (to compare sizes); else its defaults.
  const sizes = Object.fromEntries(['RATING_CHUNK_SIZE', 'RATING_SLICE_SIZE'].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));
  const worker = startRole('worker', { ...env, WORKER_CONCURRENCY: '4', ...sizes, ...nodeOptions });
  try {
    await waitForHealth(PORT);
    await sleep(1500);
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/rating-runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ period: last.period }),
    });
    const run = (await res.json()) as { id: string };
    let view: { status: string; counts: Record<string, number>; progress: { processed: number; total: number } };
    do {
      await sleep(250);
      view = (await (await fetch(`http://127.0.0.1:${PORT}/v1/rating-runs/${run.id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as typeof view;
    } while (view.status !== 'completed' && view.status !== 'failed');
    const seconds = (Date.now() - started) / 1000;
    const [{ n: charges }] = (await c.query('SELECT count(*)::int AS n FROM charges')).rows;
    console.log(
      JSON.stringify(
        {
          subscriptions: N,
          period: last.period,
          status: view.status,
          progress: view.progress,
          counts: view.counts,
          chargeRows: charges,
          baselineRows,
          runSeconds: round(seconds),
          baselineSeconds: round(baselineSeconds),
          ratio: round(seconds / baselineSeconds),
          baselineIntoChargesTableSeconds: round(chargesTableSeconds),
          ratioToChargesTableBaseline: round(seconds / chargesTableSeconds),
          workerPeakRssMiB: peakRssMiB(worker.pid!),
          periodEnd: periodBounds(last.period, TZ).end.toISOString(),
        },
        null,
        2,
      ),
    );
  } finally {
    await c.end();
    await Promise.all([stop(api), stop(worker)]);
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
