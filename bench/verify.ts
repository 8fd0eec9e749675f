/**
 * Verifier benchmark: N personal subscriptions with K usage events each (N × K ledger rows, each
 * drawing on its plan bucket), balances and member usage consistent with the ledger, and one
 * RECURRING charge per cycle, inserted with SQL; then the real Verifier (in a Nest application
 * context, like `npm run cli -- verify`) recomputes everything. Reports the time, the peak RSS, the
 * figures checked, and that a single tampered bucket is found.
 *
 *   BENCH_SUBSCRIPTIONS=100000 BENCH_EVENTS_PER_SUBSCRIPTION=10 node -r ts-node/register/transpile-only bench/verify.ts
 */
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { periodBounds } from '../src/billing-rules';
import { loadConfig } from '../src/config/app-config';
import { Verifier } from '../src/verification/verifier.service';
import { periodsSpanning } from '../src/billing-rules';
import { REDIS_URL, dbUrl, dropDatabase, freshDatabase, seedPersonalSubscriptions } from './support';

const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
const K = Number(process.env.BENCH_EVENTS_PER_SUBSCRIPTION ?? 10);
const DB = 'tpb_bench_verify';
const TZ = process.env.BILLING_TZ ?? 'Asia/Shanghai';

async function seed(c: Client): Promise<void> {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const period = start.toISOString().slice(0, 7);
  await c.query(`INSERT INTO providers (code, name) VALUES ('bench', 'Bench')`);
  await c.query(`INSERT INTO models (code, provider_code) VALUES ('bench-model', 'bench')`);
  await c.query(
    `INSERT INTO model_rates (model_code, effective_from, input_weight_scaled, output_weight_scaled, provider_input_price_per_million_fen, provider_output_price_per_million_fen) VALUES ('bench-model', '1970-01-01Z', 10000, 10000, 100, 100)`,
  );
  await c.query(`INSERT INTO plans (code, name, kind, monthly_fee_fen, allowance_credits, models, max_members, overage_mode, overage_rate_per_million_fen, overage_cap_fen, rollover_percent, rollover_max_credits)
                 VALUES ('bench', 'Bench', 'personal', 990, 10000000, '{*}', 1, 'block', 0, NULL, 0, 0)`);
  await seedPersonalSubscriptions(c, N, { period, start, end });
  // Credits = tokens (weights 1): event k of subscription i costs 100k + (i mod 1000) + 50.
  await c.query(
    `INSERT INTO usage_ledger (event_id, occurred_at, subscription_id, subscriber_id, cycle_id, model_code, rate_id, input_tokens, output_tokens,
                               credits, bucket_credits, overage_credits, unbilled_credits, draws, late)
     SELECT 'ev-' || i || '-' || k, $1::timestamptz + make_interval(secs => k * 60 + i % 60), b.subscription_id, 'sub-' || i, b.cycle_id, 'bench-model', r.id,
            100 * k + i % 1000, 50, 100 * k + i % 1000 + 50, 100 * k + i % 1000 + 50, 0, 0,
            jsonb_build_array(jsonb_build_object('bucketId', b.id, 'credits', 100 * k + i % 1000 + 50)), false
     FROM generate_series(1, ${N}) i JOIN buckets b ON b.cycle_id = md5('c' || i)::uuid
     CROSS JOIN generate_series(1, ${K}) k CROSS JOIN model_rates r`,
    [start],
  );
  // The provider usage parts the usage writer would have appended, one per key (as compacted),
  // periods by the billing-rules rule the writer and the verifier use.
  const [range] = (await c.query(`SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM usage_ledger`)).rows;
  const span = periodsSpanning(range.first, range.last, TZ);
  await c.query(
    `INSERT INTO provider_usage_parts (model_code, rate_id, period, requests, input_tokens, output_tokens)
     SELECT model_code, rate_id, ($1::text[])[width_bucket(occurred_at, $2::timestamptz[])], count(*), sum(input_tokens), sum(output_tokens)
     FROM usage_ledger GROUP BY 1, 2, 3`,
    [span.periods, span.starts.map((d) => d.toISOString())],
  );
  await c.query(`UPDATE buckets b SET remaining_credits = b.granted_credits - u.drawn
                 FROM (SELECT cycle_id, sum(credits) AS drawn FROM usage_ledger GROUP BY 1) u WHERE u.cycle_id = b.cycle_id`);
  await c.query(
    `INSERT INTO member_cycle_usage (cycle_id, subscriber_id, used_credits) SELECT cycle_id, subscriber_id, sum(credits) FROM usage_ledger GROUP BY 1, 2`,
  );
  // Each charge's invoice first (charges reference it), ending when billing-rules says the period ends.
  await c.query(
    `INSERT INTO invoices (account_id, billing_period, period_end_at)
     SELECT DISTINCT s.account_id, c.period, $1::timestamptz FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id`,
    [periodBounds(period, process.env.BILLING_TZ ?? 'Asia/Shanghai').end],
  );
  await c.query(
    `INSERT INTO charges (account_id, account_external_ref, subscription_id, cycle_id, billing_period, type, description, quantity, amount_fen, tax_rate_bp, tax_fen)
     SELECT s.account_id, a.external_ref, s.id, c.id, c.period, 'RECURRING', 'Bench monthly fee', c.allowance_credits, c.fee_fen, 600, 56
     FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id JOIN accounts a ON a.id = s.account_id`,
  );
  await c.query('ANALYZE');
}

async function main(): Promise<void> {
  const ds = await freshDatabase(DB);
  await ds.destroy();
  const c = new Client({ connectionString: dbUrl(DB) });
  await c.connect();
  const seedStart = Date.now();
  await seed(c);
  console.log(`seeded ${N} subscriptions, ${N * K} ledger rows in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  const config = loadConfig({ BILLING_TZ: TZ, DATABASE_URL: dbUrl(DB), REDIS_URL, REDIS_PREFIX: 'bench-verify', LOG_LEVEL: 'error', MIGRATIONS_RUN: 'false' });
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole('cli', config), { logger: ['error'] });
  try {
    const verifier = ctx.get(Verifier);
    const t0 = Date.now();
    const clean = await verifier.run();
    const seconds = (Date.now() - t0) / 1000;
    console.log(
      JSON.stringify({
        seconds,
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        checked: clean.summary.checked,
        differences: clean.summary.totalDifferences,
      }),
    );
    await c.query(`UPDATE buckets SET remaining_credits = remaining_credits - 1 WHERE cycle_id = md5('c' || ${Math.ceil(N / 2)})::uuid`);
    const tampered = await verifier.run();
    console.log(JSON.stringify({ tamperedDifferences: tampered.differences }));
  } finally {
    await ctx.close();
    await c.end();
    await dropDatabase(DB);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
