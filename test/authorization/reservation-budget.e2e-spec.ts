import { randomBytes } from 'node:crypto';
import { CallRecord, StressIO, StressMember, overrun, runBudgetStress } from '../../bench/budget-stress';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue } from '../support/usage';
import { planGrant } from './authorize-helpers';

const CLIENTS = 16;

/**
 * SPEC §15, the smaller version of `npm run bench:budget`: concurrent clients reserve an estimate
 * and send usage that differs from it until refused. Whatever the interleaving, a pool or a member
 * cap is charged beyond its limit by at most the estimate errors of the calls in flight, and not at
 * all when no call costs more than it reserved. The assertions are on credits only.
 */
describe('reservations under concurrency: the overrun bound', () => {
  let t: TestApp;
  let gateway: string;
  let accountId: string;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createPlan(t, { code: 'team', kind: 'business', maxMembers: 4, allowanceCredits: 300_000 });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  const io: StressIO = {
    authorize: async (body) => {
      const res = await t.http().post('/v1/authorize').set(bearer(gateway)).send(body);
      if (res.status !== 200) throw new Error(`authorize answered ${res.status}`);
      return res.body;
    },
    sendUsage: async (event) => {
      const res = await t
        .http()
        .post('/v1/usage-events')
        .set(bearer(gateway))
        .send({ events: [event] });
      if (res.status !== 202) throw new Error(`usage-events answered ${res.status}`);
    },
  };

  async function stress(allowAbove: boolean) {
    const lines = [0, 1, 2, 3].map(() => `86139000${String(++n).padStart(5, '0')}`);
    const sub = await subscribe(
      t,
      accountId,
      'team',
      lines.map((subscriberId) => ({ subscriberId })),
    );
    const granted = await planGrant(t, sub.id);
    const members: StressMember[] = lines.map((subscriberId, i) => ({ subscriberId, capCredits: i < 2 ? Math.floor(granted / (4 + i)) : null }));
    for (const m of members.filter((x) => x.capCredits !== null)) {
      await t.db.query(`UPDATE members SET monthly_cap_credits = $1 WHERE subscriber_id = $2 AND removed_at IS NULL`, [m.capCredits, m.subscriberId]);
    }
    const estimate = Math.max(10, Math.floor(granted / 120));
    const settings = { clients: CLIENTS, members, reserve: true, estimate, spreadPercent: 20, allowAbove, model: 'm1' };
    const calls = await runBudgetStress(settings, io, randomBytes(4).toString('hex'));
    await drainUsageQueue(t);
    const [pool] = await t.db.query(`SELECT COALESCE(SUM(credits), 0)::int AS charged FROM usage_ledger WHERE subscription_id = $1`, [sub.id]);
    const used = async (who: string) =>
      Number((await t.db.query(`SELECT COALESCE(SUM(used_credits), 0) AS u FROM member_cycle_usage WHERE subscriber_id = $1`, [who]))[0].u);
    const perMember = (who: string) => calls.filter((c: CallRecord) => c.subscriberId === who);
    const memberOverruns = await Promise.all(
      members.filter((m) => m.capCredits !== null).map(async (m) => overrun(m.capCredits!, await used(m.subscriberId), perMember(m.subscriberId), CLIENTS / 4)),
    );
    const [{ held }] = await t.db.query(`SELECT COALESCE(SUM(credits), 0)::int AS held FROM held_credits(now()) WHERE subscription_id = $1`, [sub.id]);
    return { calls, pool: overrun(granted, pool.charged, calls, CLIENTS), memberOverruns, held };
  }

  it('actual within ±20 % of the estimate: each overrun stays within the in-flight estimate errors', async () => {
    const { calls, pool, memberOverruns, held } = await stress(true);
    expect(calls.length).toBeGreaterThan(60);
    expect(held).toBe(0);
    expect(pool.charged).toBe(calls.reduce((s, c) => s + c.actual, 0));
    expect(pool.overCredits).toBeLessThanOrEqual(pool.bound);
    for (const m of memberOverruns) expect(m.overCredits).toBeLessThanOrEqual(m.bound);
  });

  it('actual never above the estimate: no limit is exceeded by a single credit', async () => {
    const { calls, pool, memberOverruns, held } = await stress(false);
    expect(calls.length).toBeGreaterThan(60);
    expect(held).toBe(0);
    expect(pool.charged).toBe(calls.reduce((s, c) => s + c.actual, 0));
    expect(pool.overCredits).toBe(0);
    expect(memberOverruns.map((m) => m.overCredits)).toEqual([0, 0]);
  });
});
