/**
 * Authorization benchmark: autocannon against POST /v1/authorize, plain and with `reserve: true`,
 * and in the same run against a trivial authenticated endpoint of the same app (GET /v1/whoami: the
 * key check and nothing else). Reports each one's maximum throughput, their ratio, and the p50/p99
 * latency of both authorizations at a fixed offered load of half their maximum; all of it with one
 * and with two API processes (WEB_CONCURRENCY; BENCH_API_PROCESSES=1,2 by default).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { cycleContaining } from '../src/billing-rules';
import { REDIS_URL, cpuSeconds, dbUrl, dropDatabase, freshDatabase, sleep, startRole, stop, seedPersonalSubscriptions, waitForHealth } from './support';

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
  await c.query(
    `INSERT INTO model_rates (model_code, effective_from, input_weight_scaled, output_weight_scaled, provider_input_price_per_million_fen, provider_output_price_per_million_fen) VALUES ('bench-model', '1970-01-01Z', 10000, 10000, 100, 100)`,
  );
  await c.query(`INSERT INTO plans (code, name, kind, monthly_fee_fen, allowance_credits, models, max_members, overage_mode, overage_rate_per_million_fen, overage_cap_fen, rollover_percent, rollover_max_credits)
                 VALUES ('bench', 'Bench', 'personal', 990, 10000000, '{*}', 1, 'payg', 300, 5000, 0, 0)`);
  await seedPersonalSubscriptions(c, SUBSCRIBERS, cycle);
  await c.end();
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));
}

const PROCESS_COUNTS = (process.env.BENCH_API_PROCESSES ?? '1,2').split(',').map(Number);

type Target = Pick<autocannon.Options, 'url' | 'method' | 'headers' | 'requests'>;

/** CPU seconds used so far by a process and all its descendants (the cluster's API processes). */
function treeCpuSeconds(root: number): number {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parent.set(Number(entry), Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const inTree = (pid: number): boolean => pid === root || (parent.has(pid) && pid > 1 && inTree(parent.get(pid)!));
  let total = 0;
  for (const pid of parent.keys()) if (inTree(pid)) total += cpuSeconds(pid);
  return total;
}

/**
 * Maximum throughput of each target (20 connections), with the API processes' CPU time per request
 * (a figure the other tenants of a shared machine disturb far less than throughput), then p50/p99
 * at a fixed offered load of half that maximum.
 */
async function measure(apiPid: number, targets: Record<string, Target>) {
  const out: Record<string, unknown> = {};
  const max: Record<string, number> = {};
  for (const [name, target] of Object.entries(targets)) {
    const cpu0 = treeCpuSeconds(apiPid);
    const r = await cannon({ ...target, connections: 20, duration: SECONDS });
    const apiCpuMsPerRequest = Math.round(((treeCpuSeconds(apiPid) - cpu0) * 1000 * 1000) / Math.max(1, r.requests.total)) / 1000;
    max[name] = r.requests.average;
    out[name] = {
      maxReqPerSec: Math.round(r.requests.average),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      apiCpuMsPerRequest,
      non2xx: r.non2xx,
      errors: r.errors,
    };
  }
  for (const name of ['authorize', 'authorizeReserve']) {
    const rate = Math.round(max[name] / 2);
    const r = await cannon({ ...targets[name], connections: 20, duration: SECONDS, overallRate: rate });
    out[`${name}AtHalfMax`] = {
      offeredReqPerSec: rate,
      reqPerSec: Math.round(r.requests.average),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    };
  }
  const ratio = (a: number) => Math.round((a / max.whoami) * 100) / 100;
  return { ...out, ratioAuthorizeToWhoami: ratio(max.authorize), ratioReserveToWhoami: ratio(max.authorizeReserve) };
}

async function main(): Promise<void> {
  await (await freshDatabase(DB)).destroy();
  await seed(dbUrl(DB));
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const results: Record<string, unknown> = { subscribers: SUBSCRIBERS, secondsPerRun: SECONDS, cpus: os.cpus().length, loadavgBefore: os.loadavg() };
  for (const processes of PROCESS_COUNTS) {
    const api = startRole('api', {
      DATABASE_URL: dbUrl(DB),
      REDIS_URL,
      REDIS_PREFIX: `bencha${randomBytes(3).toString('hex')}`,
      ADMIN_API_KEY: key,
      PORT: String(PORT),
      WEB_CONCURRENCY: String(processes),
    });
    try {
      await waitForHealth(PORT);
      await sleep(processes * 1500);
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      let i = 0;
      const body = (extra: object) => () =>
        JSON.stringify({ subscriberId: `sub-${1 + (i++ % SUBSCRIBERS)}`, model: 'bench-model', estimatedCredits: 2000, ...extra });
      const post = (make: () => string): Target => ({
        url: `http://127.0.0.1:${PORT}/v1/authorize`,
        method: 'POST',
        headers,
        requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: make() }) }],
      });
      results[`apiProcesses${processes}`] = await measure(api.pid!, {
        whoami: { url: `http://127.0.0.1:${PORT}/v1/whoami`, headers },
        authorize: post(body({})),
        authorizeReserve: post(body({ reserve: true })),
      });
    } finally {
      await stop(api);
    }
  }
  results.loadavgAfter = os.loadavg();
  console.log(JSON.stringify(results, null, 2));
  if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
