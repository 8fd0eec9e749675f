/**
 * Budget benchmark (SPEC §15): a block plan with 100,000 credits shared by members, some with
 * monthly caps, and 200 concurrent clients that loop "authorize an estimate → send a usage event
 * whose actual credits differ from it by up to ±20 % → repeat" until refused. Three runs, each on
 * a fresh subscription: with `reserve: true`; without it; and with reserve where actual never
 * exceeds the estimate. Reports the credits charged beyond the pool's allowance and beyond each
 * member cap, as credits and percent, next to the bound of §15.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Client } from 'pg';
import { cycleContaining } from '../src/billing-rules';
import { CallRecord, StressIO, StressMember, overrun, runBudgetStress } from './budget-stress';
import { REDIS_URL, dbUrl, dropDatabase, freshDatabase, sleep, startRole, stop, waitForHealth } from './support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const ALLOWANCE = 100_000;
const ESTIMATE = Number(process.env.BENCH_ESTIMATE ?? 100);
const MEMBERS = 10;
const CAPS = [8_000, 10_000, 12_000, 15_000];
const PORT = 3903;
const DB = 'tpb_bench_budget';

async function main(): Promise<void> {
  await (await freshDatabase(DB)).destroy();
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const env = { DATABASE_URL: dbUrl(DB), REDIS_URL, REDIS_PREFIX: `benchb${randomBytes(3).toString('hex')}`, ADMIN_API_KEY: key, PORT: String(PORT) };
  const api = startRole('api', env);
  const worker = startRole('worker', env);
  const pg = new Client({ connectionString: dbUrl(DB) });
  await pg.connect();
  try {
    await waitForHealth(PORT);
    await sleep(1000);
    const http = httpClient(key);
    const gateway = ((await http.post('/v1/api-keys', { name: 'gw', role: 'gateway' }, 201)) as { secret: string }).secret;
    await setUpCatalog(http);
    const io = stressIO(httpClient(gateway));
    const runs = [
      { name: 'reserve, actual within ±20 %', reserve: true, allowAbove: true },
      { name: 'no reserve, actual within ±20 %', reserve: false, allowAbove: true },
      { name: 'reserve, actual never above the estimate (−20 %..0)', reserve: true, allowAbove: false },
    ];
    const results = [];
    for (const [i, run] of runs.entries()) {
      const lines = Array.from({ length: MEMBERS }, (_, m) => `86188${i}${String(m).padStart(6, '0')}`);
      const members: StressMember[] = lines.map((subscriberId, m) => ({ subscriberId, capCredits: CAPS[m] ?? null }));
      const subscriptionId = await subscribe(http, members);
      const started = Date.now();
      const calls = await runBudgetStress(
        { clients: CLIENTS, members, reserve: run.reserve, estimate: ESTIMATE, spreadPercent: 20, allowAbove: run.allowAbove, model: 'bench-model' },
        io,
        `r${i}-${randomBytes(3).toString('hex')}`,
      );
      const loopSeconds = (Date.now() - started) / 1000;
      await waitRecorded(pg, subscriptionId, calls.length);
      results.push({ run: run.name, calls: calls.length, loopSeconds, ...(await account(pg, subscriptionId, members, calls)) });
    }
    console.log(
      JSON.stringify(
        { clients: CLIENTS, allowance: ALLOWANCE, estimate: ESTIMATE, members: MEMBERS, caps: CAPS, cpus: os.cpus().length, loadavg: os.loadavg(), results },
        null,
        2,
      ),
    );
  } finally {
    await pg.end();
    await stop(api);
    await stop(worker);
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
  }
}

function httpClient(key: string) {
  return {
    async post(path: string, body: unknown, expect: number): Promise<unknown> {
      const res = await fetch(`http://127.0.0.1:${PORT}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json: unknown = await res.json();
      if (res.status !== expect) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    },
  };
}
type Http = ReturnType<typeof httpClient>;

async function setUpCatalog(http: Http): Promise<void> {
  await http.post('/v1/providers', { code: 'bench', name: 'Bench' }, 201);
  await http.post(
    '/v1/models',
    {
      code: 'bench-model',
      providerCode: 'bench',
      inputWeight: '1',
      outputWeight: '1',
      providerInputPricePerMillionFen: 100,
      providerOutputPricePerMillionFen: 100,
    },
    201,
  );
  await http.post(
    '/v1/plans',
    {
      code: 'bench-team',
      name: 'Bench team',
      kind: 'business',
      monthlyFeeFen: 9900,
      allowanceCredits: ALLOWANCE,
      models: ['*'],
      maxMembers: MEMBERS,
      overage: { mode: 'block', ratePerMillionFen: 0, capFen: null },
      rollover: { percent: 0, maxCredits: 0 },
    },
    201,
  );
}

/** Backdated to the start of the current cycle, so that the first cycle has the full, unprorated allowance. */
async function subscribe(http: Http, members: StressMember[]): Promise<string> {
  const account = (await http.post('/v1/accounts', { externalRef: `BENCH-${randomBytes(4).toString('hex')}`, type: 'enterprise', name: 'Bench' }, 201)) as {
    id: string;
  };
  const startAt = cycleContaining(new Date(), 'Asia/Shanghai').start.toISOString();
  const body = {
    accountId: account.id,
    planCode: 'bench-team',
    startAt,
    members: members.map((m) => ({ subscriberId: m.subscriberId, ...(m.capCredits ? { monthlyCapCredits: m.capCredits } : {}) })),
  };
  return ((await http.post('/v1/subscriptions', body, 201)) as { id: string }).id;
}

function stressIO(http: Http): StressIO {
  return {
    authorize: async (body) => (await http.post('/v1/authorize', body, 200)) as { allowed: boolean; reservationId?: string },
    sendUsage: async (event) => void (await http.post('/v1/usage-events', { events: [event] }, 202)),
  };
}

async function waitRecorded(pg: Client, subscriptionId: string, expected: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const [{ n }] = (await pg.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE subscription_id = $1`, [subscriptionId])).rows;
    if (n >= expected) return;
    await sleep(250);
  }
  throw new Error('usage not recorded in time');
}

async function account(pg: Client, subscriptionId: string, members: StressMember[], calls: CallRecord[]) {
  const {
    rows: [pool],
  } = await pg.query(
    `SELECT COALESCE(SUM(credits), 0)::bigint AS charged, COALESCE(SUM(unbilled_credits), 0)::bigint AS unbilled FROM usage_ledger WHERE subscription_id = $1`,
    [subscriptionId],
  );
  const used = async (who: string) =>
    Number((await pg.query(`SELECT COALESCE(SUM(used_credits), 0) AS u FROM member_cycle_usage WHERE subscriber_id = $1`, [who])).rows[0].u);
  const clientsPerMember = CLIENTS / members.length;
  const memberCaps = [];
  for (const m of members.filter((x) => x.capCredits !== null)) {
    const o = overrun(
      m.capCredits!,
      await used(m.subscriberId),
      calls.filter((c) => c.subscriberId === m.subscriberId),
      clientsPerMember,
    );
    memberCaps.push({ subscriberId: m.subscriberId, ...o, withinBound: o.overCredits <= o.bound });
  }
  const p = overrun(ALLOWANCE, Number(pool.charged), calls, CLIENTS);
  const errors = calls.map((c) => c.actual - c.estimate);
  return {
    estimateErrors: { min: Math.min(...errors), max: Math.max(...errors), sumPositive: errors.filter((e) => e > 0).reduce((s, e) => s + e, 0) },
    pool: { ...p, unbilledCredits: Number(pool.unbilled), withinBound: p.overCredits <= p.bound },
    memberCaps,
  };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
