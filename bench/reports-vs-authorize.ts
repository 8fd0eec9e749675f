/**
 * Heavy reporting against real-time authorization: the p50/p99 of POST /v1/authorize at a fixed
 * rate, alone and then while clients hammer the heavy reports (provider statements and usage
 * summaries over a seeded month of ledger). Run twice: with the report gate as configured by
 * default, and with it opened wide (REPORT_CONCURRENCY=64), so the figure shows what the gate buys.
 * Provider statements read the provider usage parts, seeded as uncompacted parts of the ledger.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { cycleContaining, periodBounds } from '../src/billing-rules';
import { REDIS_URL, dbUrl, dropDatabase, freshDatabase, seedPersonalSubscriptions, sleep, startRole, stop, waitForHealth } from './support';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const LEDGER_ROWS = Number(process.env.BENCH_LEDGER_ROWS ?? 300_000);
const EVENTS_PER_PART = Number(process.env.BENCH_EVENTS_PER_PART ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RATE = Number(process.env.BENCH_AUTHORIZE_RATE ?? 300);
const REPORT_CLIENTS = Number(process.env.BENCH_REPORT_CLIENTS ?? 16);
/** Which heavy reports the clients ask for: `both` (alternating), `statements` or `summary`. */
const REPORTS = process.env.BENCH_REPORTS ?? 'both';
const PORT = 3903;
const DB = 'tpb_bench_reports';
const TZ = 'Asia/Shanghai';

async function seed(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const cycle = cycleContaining(new Date(), TZ);
  await c.query(`INSERT INTO providers (code, name) VALUES ('bench', 'Bench')`);
  await c.query(`INSERT INTO models (code, provider_code) VALUES ('bench-model', 'bench')`);
  const [rate] = (
    await c.query(`INSERT INTO model_rates (model_code, effective_from, input_weight_scaled, output_weight_scaled, provider_input_price_per_million_fen, provider_output_price_per_million_fen)
                   VALUES ('bench-model', '1970-01-01Z', 10000, 10000, 100, 100) RETURNING id`)
  ).rows;
  await c.query(`INSERT INTO plans (code, name, kind, monthly_fee_fen, allowance_credits, models, max_members, overage_mode, overage_rate_per_million_fen, overage_cap_fen, rollover_percent, rollover_max_credits)
                 VALUES ('bench', 'Bench', 'personal', 990, 10000000, '{*}', 1, 'payg', 300, 5000, 0, 0)`);
  await seedPersonalSubscriptions(c, SUBSCRIBERS, cycle);
  // A month of ledger spread over the cycle so far: what the reports aggregate.
  const span = Math.max(1, Date.now() - cycle.start.getTime() - 60_000);
  await c.query(
    `INSERT INTO usage_ledger (event_id, occurred_at, subscription_id, subscriber_id, cycle_id, model_code, rate_id, input_tokens, output_tokens,
                               credits, bucket_credits, overage_credits, unbilled_credits, draws, late)
     SELECT 'seed-' || g, $1::timestamptz + (g::bigint * $2 / $3) * interval '1 millisecond', md5('s' || s)::uuid, 'sub-' || s, md5('c' || s)::uuid,
            'bench-model', $4, 100, 10, 110, 110, 0, 0, '[]'::jsonb, false
     FROM generate_series(1, $3) g, LATERAL (SELECT 1 + (g % $5) AS s) x`,
    [cycle.start, span, LEDGER_ROWS, rate.id, SUBSCRIBERS],
  );
  // The provider usage parts the usage writer would have appended for that ledger: one per job of
  // EVENTS_PER_PART rows (the mean job of bench:ingest), none compacted yet. All rows lie in the
  // current cycle, so all in its period.
  await c.query(
    `INSERT INTO provider_usage_parts (model_code, rate_id, period, requests, input_tokens, output_tokens)
     SELECT model_code, rate_id, $1, count(*), sum(input_tokens), sum(output_tokens)
     FROM usage_ledger GROUP BY model_code, rate_id, (substr(event_id, 6)::bigint - 1) / $2`,
    [cycle.period, EVENTS_PER_PART],
  );
  await c.query('ANALYZE');
  await c.end();
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));
}

interface Phase {
  authorize: { reqPerSec: number; p50Ms: number; p99Ms: number; maxMs: number; non2xx: number; errors: number };
  reports?: { reqPerSec: number; p50Ms: number; p99Ms: number; status2xx: number; status503: number; otherNon2xx: number };
}

async function measure(key: string, withReports: boolean): Promise<Phase> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let i = 0;
  const authorize = cannon({
    url: `http://127.0.0.1:${PORT}/v1/authorize`,
    method: 'POST',
    headers,
    connections: 20,
    duration: SECONDS,
    overallRate: RATE,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ subscriberId: `sub-${1 + (i++ % SUBSCRIBERS)}`, model: 'bench-model' }) }),
      },
    ],
  });
  const period = periodBounds(cycleContaining(new Date(), TZ).period, TZ);
  const reports = withReports
    ? cannon({
        url: `http://127.0.0.1:${PORT}`,
        headers,
        connections: REPORT_CLIENTS,
        duration: SECONDS,
        requests: [
          { method: 'GET' as const, path: `/v1/provider-statements?period=${cycleContaining(new Date(), TZ).period}` },
          {
            method: 'GET' as const,
            path: `/v1/usage/summary?groupBy=day&from=${encodeURIComponent(period.start.toISOString())}&to=${encodeURIComponent(period.end.toISOString())}`,
          },
        ].filter((_, i) => REPORTS === 'both' || (REPORTS === 'statements' ? i === 0 : i === 1)),
      })
    : null;
  const [a, r] = await Promise.all([authorize, reports]);
  const phase: Phase = {
    authorize: {
      reqPerSec: Math.round(a.requests.average),
      p50Ms: a.latency.p50,
      p99Ms: a.latency.p99,
      maxMs: a.latency.max,
      non2xx: a.non2xx,
      errors: a.errors,
    },
  };
  if (r) {
    const codes = r.statusCodeStats as unknown as Record<string, { count: number }>;
    const count = (code: string) => codes[code]?.count ?? 0;
    phase.reports = {
      reqPerSec: Math.round(r.requests.average * 10) / 10,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      status2xx: r['2xx'],
      status503: count('503'),
      otherNon2xx: r.non2xx - count('503'),
    };
  }
  return phase;
}

async function run(label: string, extraEnv: Record<string, string>): Promise<Record<string, unknown>> {
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const api = startRole('api', {
    DATABASE_URL: dbUrl(DB),
    REDIS_URL,
    REDIS_PREFIX: `benchr${randomBytes(3).toString('hex')}`,
    ADMIN_API_KEY: key,
    PORT: String(PORT),
    ...extraEnv,
  });
  try {
    await waitForHealth(PORT);
    await sleep(1000);
    await measure(key, false); // warm-up: plans, pools and JIT
    const alone = await measure(key, false);
    const underReports = await measure(key, true);
    return { label, env: extraEnv, alone, underReports };
  } finally {
    await stop(api);
  }
}

async function main(): Promise<void> {
  await (await freshDatabase(DB)).destroy();
  await seed(dbUrl(DB));
  try {
    const gated = await run('report gate as configured (defaults)', {});
    const open = await run('report gate opened wide', { REPORT_CONCURRENCY: '64', REPORT_QUEUE_LIMIT: '10000' });
    console.log(
      JSON.stringify(
        {
          subscribers: SUBSCRIBERS,
          ledgerRows: LEDGER_ROWS,
          eventsPerPart: EVENTS_PER_PART,
          seconds: SECONDS,
          authorizeRate: RATE,
          reportClients: REPORT_CLIENTS,
          reports: REPORTS,
          runs: [gated, open],
        },
        null,
        2,
      ),
    );
  } finally {
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
