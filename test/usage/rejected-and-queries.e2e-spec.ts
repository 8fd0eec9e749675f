import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';

describe('rejected usage retries and usage queries', () => {
  let t: TestApp;
  let gateway: string;
  let accountId: string;
  let n = 0;
  const line = () => `86134000${String(++n).padStart(5, '0')}`;
  const send = async (events: object[]) => {
    expect((await t.http().post('/v1/usage-events').set(bearer(gateway)).send({ events })).status).toBe(202);
    await drainUsageQueue(t);
  };
  const admin = () => bearer(t.adminKey);
  /** Polls a bulk retry job until it has finished; no time limit but the suite's own. */
  const retryJobOutcome = async (id: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const res = await t.http().get(`/v1/rejected-usage/retry-jobs/${id}`).set(admin());
      expect(res.status).toBe(200);
      if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createPlan(t, { code: 'solo' });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('a rejected event is recorded by a retry once its cause is fixed, exactly once', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'solo', [{ subscriberId: who }]);
    const e = event(who, 'late-model', 100, 50);
    await send([e]);
    const list = await t.http().get('/v1/rejected-usage').query({ reason: 'UNKNOWN_MODEL', subscriberId: who }).set(admin());
    expect(list.body.data).toHaveLength(1);
    const id = list.body.data[0].id;
    const early = await t.http().post(`/v1/rejected-usage/${id}/retry`).set(admin());
    expect(early.body).toMatchObject({ retryOutcome: 'UNKNOWN_MODEL', reason: 'UNKNOWN_MODEL' });
    await createModel(t, 'late-model');
    const [a, b] = await Promise.all([
      t.http().post(`/v1/rejected-usage/${id}/retry`).set(admin()),
      t.http().post(`/v1/rejected-usage/${id}/retry`).set(admin()),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.retryOutcome, b.body.retryOutcome]).toEqual(['recorded', 'recorded']);
    const ledger = await t.db.query('SELECT credits FROM usage_ledger WHERE event_id = $1', [e.eventId]);
    // weights 1 and 1: 100 + 50 = 150 credits, recorded once
    expect(ledger).toEqual([{ credits: '150' }]);
    const bal = (await t.http().get(`/v1/subscriptions/${sub.id}/balance`).set(admin())).body;
    expect(bal.members[0].usedCredits).toBe(150);
    const after = await t.http().get('/v1/rejected-usage').query({ subscriberId: who }).set(admin());
    expect(after.body.data[0]).toMatchObject({ reason: 'UNKNOWN_MODEL', retryOutcome: 'recorded' });
  });

  it('bulk retry by reason records the fixed ones and never touches DUPLICATE_CONFLICT rows', async () => {
    const who = line();
    const e1 = event(who, 'm1', 1, 1);
    const e2 = event(who, 'm1', 2, 2);
    await send([e1, e2]);
    await subscribe(t, accountId, 'solo', [{ subscriberId: who }], new Date(Date.now() - 3600_000).toISOString());
    const conflict = event(who, 'm1', 5, 5);
    await send([conflict]);
    await send([{ ...conflict, inputTokens: 6 }]);
    const res = await t.http().post('/v1/rejected-usage/retry').set(admin()).send({ reason: 'UNKNOWN_SUBSCRIBER', subscriberId: who });
    expect(res.status).toBe(202);
    expect(await retryJobOutcome(res.body.id)).toMatchObject({ status: 'completed', retried: 2, recorded: 2, stillRejected: 0 });
    const dup = await t.http().get('/v1/rejected-usage').query({ reason: 'DUPLICATE_CONFLICT', subscriberId: who }).set(admin());
    expect(dup.body.data).toHaveLength(1);
    expect((await t.http().post(`/v1/rejected-usage/${dup.body.data[0].id}/retry`).set(admin())).status).toBe(409);
    const again = await t.http().post('/v1/rejected-usage/retry').set(admin()).send({ subscriberId: who });
    expect(await retryJobOutcome(again.body.id)).toMatchObject({ status: 'completed', retried: 0, recorded: 0, stillRejected: 0 });
  });

  it('lists ledger entries by subscriber with a cursor and summarises per model and per day', async () => {
    const who = line();
    await subscribe(t, accountId, 'solo', [{ subscriberId: who }]);
    const events = Array.from({ length: 5 }, (_, i) => event(who, 'm1', 10 * (i + 1), 1));
    await send(events);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { eventId: string }[]; nextCursor: string | null } } = await t
        .http()
        .get('/v1/usage')
        .query(cursor ? { subscriberId: who, limit: 2, cursor } : { subscriberId: who, limit: 2 })
        .set(admin());
      seen.push(...res.body.data.map((d) => d.eventId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(events.map((e) => e.eventId).sort());
    const byModel = await t.http().get('/v1/usage/summary').query({ groupBy: 'model', subscriberId: who }).set(admin());
    // inputs 10+20+30+40+50 = 150, outputs 5 × 1 = 5, credits 155 with weights 1 and 1
    expect(byModel.body.data).toEqual([{ model: 'm1', requests: 5, inputTokens: 150, outputTokens: 5, credits: 155, overageCredits: 0, unbilledCredits: 0 }]);
    const byDay = await t.http().get('/v1/usage/summary').query({ groupBy: 'day', subscriberId: who }).set(admin());
    expect(byDay.body.data.reduce((s: number, r: { credits: number }) => s + r.credits, 0)).toBe(155);
    expect((await t.http().get('/v1/usage/summary').query({ groupBy: 'week' }).set(admin())).status).toBe(400);
    expect((await t.http().get('/v1/usage').query({ cursor: 'garbage' }).set(admin())).status).toBe(400);
  });

  it('an account-scoped key sees only its own usage', async () => {
    const mineAcc = await createAccount(t);
    const who = line();
    await subscribe(t, mineAcc, 'solo', [{ subscriberId: who }]);
    const other = line();
    await subscribe(t, accountId, 'solo', [{ subscriberId: other }]);
    await send([event(who, 'm1', 1, 1), event(other, 'm1', 1, 1)]);
    const key = await t.keyFor(`account:${mineAcc}`);
    const res = await t.http().get('/v1/usage').set(bearer(key));
    expect(res.body.data.map((d: { subscriberId: string }) => d.subscriberId)).toEqual([who]);
    const foreign = await t.http().get('/v1/usage').query({ subscriberId: other }).set(bearer(key));
    expect(foreign.status).toBe(404);
    expect((await t.http().get('/v1/rejected-usage').set(bearer(key))).status).toBe(403);
  });
});
