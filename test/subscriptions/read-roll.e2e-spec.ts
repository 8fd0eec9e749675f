import { SubscriptionsService } from '../../src/subscriptions/subscriptions.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createPlan, subscribe } from '../support/fixtures';
import { periodIn } from '../support/calendar';

/**
 * SPEC §4: creating a subscription does not roll it; reading it shows it as of now (rolling it when
 * its cycle has ended), and a read that finds nothing due writes nothing and takes no lock that
 * usage recording waits on.
 */
describe('subscription reads and creation: who rolls, who locks', () => {
  let t: TestApp;
  let accountId: string;
  let n = 0;
  const line = () => `86137000${String(++n).padStart(5, '0')}`;
  const periods = async (id: string): Promise<string[]> =>
    (await t.db.query('SELECT period FROM cycles WHERE subscription_id = $1 ORDER BY start_at', [id])).map((r: { period: string }) => r.period);
  /** xmin changes with every write to the row: the proof that a read wrote nothing. */
  const rowVersion = async (id: string): Promise<string> => (await t.db.query('SELECT xmin::text AS v FROM subscriptions WHERE id = $1', [id]))[0].v;
  const current = () => periodIn(new Date(), 'Asia/Shanghai');

  beforeAll(async () => {
    t = await startTestApp();
    await createPlan(t, { code: 'rr' });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('creating a backdated subscription does not roll it: it answers with, and stays in, the cycle containing startAt', async () => {
    const sub = await subscribe(t, accountId, 'rr', [{ subscriberId: line() }], '2026-09-15T10:00:00+08:00');
    expect(sub.cycle.period).toBe('2026-09');
    expect(sub.status).toBe('active');
    expect(await periods(sub.id)).toEqual(['2026-09']);
  });

  it('reading it shows it as of now: GET rolls a subscription whose cycle has ended', async () => {
    const sub = await subscribe(t, accountId, 'rr', [{ subscriberId: line() }], '2026-09-15T10:00:00+08:00');
    const res = await t.http().get(`/v1/subscriptions/${sub.id}`).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    expect(res.body.cycle.period).toBe(current());
    expect((await periods(sub.id))[0]).toBe('2026-09');
  });

  it('the balance read rolls too, then shows the current cycle', async () => {
    const sub = await subscribe(t, accountId, 'rr', [{ subscriberId: line() }], '2026-09-15T10:00:00+08:00');
    const res = await t.http().get(`/v1/subscriptions/${sub.id}/balance`).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    expect(res.body.cycle.period).toBe(current());
  });

  it('listing is a read too: a subscription whose cycle has ended since is listed as of now', async () => {
    const own = await createAccount(t);
    // Sold in July through the service's clock, and not touched since.
    const sub = await t.app
      .get(SubscriptionsService)
      .create({ accountId: own, planCode: 'rr', members: [{ subscriberId: line() }] }, new Date('2026-07-10T00:00:00+08:00'));
    expect(sub.cycle?.period).toBe('2026-07');
    const res = await t.http().get('/v1/subscriptions').query({ accountId: own }).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: { id: string; cycle: { period: string } }) => [s.id, s.cycle.period])).toEqual([[sub.id, current()]]);
  });

  it('a read that finds nothing due writes nothing', async () => {
    const sub = await subscribe(t, accountId, 'rr', [{ subscriberId: line() }]);
    const before = await rowVersion(sub.id);
    expect((await t.http().get(`/v1/subscriptions/${sub.id}`).set(bearer(t.adminKey))).status).toBe(200);
    expect((await t.http().get(`/v1/subscriptions/${sub.id}/balance`).set(bearer(t.adminKey))).status).toBe(200);
    expect((await t.http().get('/v1/subscriptions').query({ accountId }).set(bearer(t.adminKey))).status).toBe(200);
    expect(await rowVersion(sub.id)).toBe(before);
  });

  it('a balance read completes while another transaction holds the subscription row lock (as the usage worker does)', async () => {
    const sub = await subscribe(t, accountId, 'rr', [{ subscriberId: line() }]);
    const holder = t.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query('SELECT id FROM subscriptions WHERE id = $1 FOR UPDATE', [sub.id]);
      const reads = Promise.all([
        t.http().get(`/v1/subscriptions/${sub.id}/balance`).set(bearer(t.adminKey)),
        t.http().get(`/v1/subscriptions/${sub.id}`).set(bearer(t.adminKey)),
        t.http().get('/v1/subscriptions').query({ accountId }).set(bearer(t.adminKey)),
      ]).then((answers) => ({ answers }));
      // Either the reads answer, or one of them is seen waiting on a lock in PostgreSQL.
      const watch = { on: true };
      const outcome = await Promise.race([reads, lockWaiter(t, watch)]).finally(() => (watch.on = false));
      expect(outcome).not.toBe('waiting on a lock');
      const { answers } = outcome as { answers: { status: number; body: { subscriptionId?: string; id?: string } }[] };
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers[0].body.subscriptionId).toBe(sub.id);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('an account key reading another account’s subscription gets its 404 before anything is rolled or written', async () => {
    const sub = await subscribe(t, accountId, 'rr', [{ subscriberId: line() }], '2026-08-20T10:00:00+08:00');
    const before = await rowVersion(sub.id);
    const stranger = await t.keyFor(`account:${await createAccount(t)}`);
    for (const path of [`/v1/subscriptions/${sub.id}`, `/v1/subscriptions/${sub.id}/balance`]) {
      const res = await t.http().get(path).set(bearer(stranger));
      expect(res.status).toBe(404);
    }
    expect(await periods(sub.id)).toEqual(['2026-08']);
    expect(await rowVersion(sub.id)).toBe(before);
    // Its own account's key reads it (and so rolls it).
    const own = await t.keyFor(`account:${accountId}`);
    const res = await t.http().get(`/v1/subscriptions/${sub.id}`).set(bearer(own));
    expect(res.status).toBe(200);
    expect(res.body.cycle.period).toBe(current());
  });
});

/** Resolves once a session of this test's database waits on a lock (polls pg_stat_activity). */
async function lockWaiter(t: TestApp, watch: { on: boolean }): Promise<'waiting on a lock' | 'stopped'> {
  while (watch.on) {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (row.n > 0) return 'waiting on a lock';
    await new Promise((r) => setTimeout(r, 20));
  }
  return 'stopped';
}
