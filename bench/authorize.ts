/**
 * Authorization benchmark: autocannon against POST /v1/authorize and, in the same run, against a
 * trivial authenticated endpoint of the same app (GET /v1/whoami: the key lookup and nothing else).
 * Reports each one's maximum throughput, and the p99 latency of /authorize at a fixed 1,000 req/s.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { cycleContaining } from '../src/billing-rules';
import { REDIS_URL, dbUrl, dropDatabase, freshDatabase, sleep, startRole, stop, seedPersonalSubscriptions, waitForHealth } from './support';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PORT = 3902;
const DB = 'tpb_bench_authorize';

async function seed(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const cycle = cycleContaining(new Date(), 'Asia/Shanghai');
  await c.query(`INSERT INTO providers (code, name) VALUES ('bench', 'Bench')`);
  await c.query(`INSERT INTO models (code, provider_code) VALUES ('bench-model', 'bench')`);
  await c.query(`INSERT INTO model_rates (model_code, effective_from, input_weight_scaled, output_weight_scaled, provider_input_price_per_million_fen, provider_output_price_per_million_fen) VALUES ('bench-model', '1970-01-01Z', 10000, 10000, 100, 100)`);
  await c.query(`INSERT INTO plans (code, name, kind, monthly_fee_fen, allowance_credits, models, max_members, overage_mode, overage_rate_per_million_fen, overage_cap_fen, rollover_percent, rollover_max_credits)
                 VALUES ('bench', 'Bench', 'personal', 990, 10000000, '{*}', 1, 'payg', 300, 5000, 0, 0)`);
  await seedPersonalSubscriptions(c, SUBSCRIBERS, cycle);
  await c.end();
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));
}

async function main(): Promise<void> {
  (await freshDatabase(DB)).destroy();
  await seed(dbUrl(DB));
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const api = startRole('api', { DATABASE_URL: dbUrl(DB), REDIS_URL, REDIS_PREFIX: `bencha${randomBytes(3).toString('hex')}`, ADMIN_API_KEY: key, PORT: String(PORT) });
  try {
    await waitForHealth(PORT);
    await sleep(1000);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    let i = 0;
    const authorize = {
      url: `http://127.0.0.1:${PORT}/v1/authorize`,
      method: 'POST' as const,
      headers,
      requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ subscriberId: `sub-${1 + (i++ % SUBSCRIBERS)}`, model: 'bench-model', estimatedCredits: 2000 }) }) }],
    };
    const trivial = { url: `http://127.0.0.1:${PORT}/v1/whoami`, headers };
    const maxAuthorize = await cannon({ ...authorize, connections: 20, duration: SECONDS });
    const maxTrivial = await cannon({ ...trivial, connections: 20, duration: SECONDS });
    const fixed = await cannon({ ...authorize, connections: 20, duration: SECONDS, overallRate: 1000 });
    console.log(JSON.stringify({
      subscribers: SUBSCRIBERS, secondsPerRun: SECONDS,
      authorizeMaxReqPerSec: Math.round(maxAuthorize.requests.average), trivialMaxReqPerSec: Math.round(maxTrivial.requests.average),
      ratio: Math.round((maxAuthorize.requests.average / maxTrivial.requests.average) * 100) / 100,
      authorizeAt1000: { reqPerSec: Math.round(fixed.requests.average), p50Ms: fixed.latency.p50, p99Ms: fixed.latency.p99, errors: fixed.errors, non2xx: fixed.non2xx },
      non2xx: { authorize: maxAuthorize.non2xx, trivial: maxTrivial.non2xx },
    }, null, 2));
  } finally {
    await stop(api);
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
