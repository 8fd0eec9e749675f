import { Client } from 'pg';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';

/**
 * Heavy reads are bounded: a usage summary always covers a bounded range, and reports run through
 * a per-process gate (REPORT_CONCURRENCY), so however many are asked for, authorization still has
 * its connections. A table lock holds the one running report for as long as the test needs.
 */
describe('bounded work: usage summaries and the report gate', () => {
  let t: TestApp;
  let gateway: string;
  const line = '8613800003001';

  beforeAll(async () => {
    t = await startTestApp({ REPORT_CONCURRENCY: '1', REPORT_QUEUE_LIMIT: '0', USAGE_SUMMARY_MAX_DAYS: '93' });
    await createModel(t, 'm1', 'prov');
    await createPlan(t, { code: 'solo' });
    await subscribe(t, await createAccount(t), 'solo', [{ subscriberId: line }]);
    gateway = await t.keyFor('gateway');
  });
  afterAll(() => t.close());

  const summary = (query: Record<string, string>) =>
    t
      .http()
      .get('/v1/usage/summary')
      .query({ groupBy: 'model', ...query })
      .set(bearer(t.adminKey));

  it('a summary without a range covers the current month and says so', async () => {
    const res = await summary({});
    expect(res.status).toBe(200);
    const from = new Date(res.body.from);
    const to = new Date(res.body.to);
    expect(from.getTime()).toBeLessThanOrEqual(Date.now());
    expect(to.getTime()).toBeGreaterThan(Date.now());
    expect((to.getTime() - from.getTime()) / 86_400_000).toBeGreaterThanOrEqual(28);
    expect((to.getTime() - from.getTime()) / 86_400_000).toBeLessThanOrEqual(31);
  });

  it.each([
    [{ from: '2026-01-01T00:00:00Z' }, 'to'],
    [{ to: '2026-01-01T00:00:00Z' }, 'from'],
    [{ from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
  ])('a summary over %j is a 400 naming %s', async (q, path) => {
    const res = await summary(q);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path })]);
  });

  it('with every report slot taken, another report answers 503 at once while authorization keeps answering', async () => {
    const locker = new Client({ connectionString: t.config.DATABASE_URL });
    await locker.connect();
    await locker.query(`BEGIN; LOCK TABLE usage_ledger IN ACCESS EXCLUSIVE MODE`);
    const first = summary({}).then((r) => r);
    try {
      await waitForLockWaiter(locker, 'usage_ledger');
      // The client-side limit only turns "waits behind the lock" (no gate) into a failure instead of a hang.
      const busy = await t.http().get('/v1/provider-statements').query({ period: '2026-10' }).set(bearer(t.adminKey)).timeout(20_000);
      expect(busy.status).toBe(503);
      expect(busy.body).toMatchObject({ code: 'REPORTS_BUSY' });
      expect(busy.headers['retry-after']).toBe('5');
      expect((await summary({}).timeout(20_000)).status).toBe(503);
      const auth = await t.http().post('/v1/authorize').set(bearer(gateway)).send({ subscriberId: line, model: 'm1' });
      expect(auth.status).toBe(200);
      expect(auth.body.allowed).toBe(true);
    } finally {
      await locker.query(`ROLLBACK`);
      await locker.end();
    }
    expect((await first).status).toBe(200);
    expect((await summary({})).status).toBe(200);
  });
});

/** Waits until some other session is blocked on a lock of `table` (the report now holds its slot). */
async function waitForLockWaiter(c: Client, table: string): Promise<void> {
  for (;;) {
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class r ON r.oid = l.relation WHERE r.relname = $1 AND NOT l.granted`, [
      table,
    ]);
    if (rows[0].n > 0) return;
    await new Promise((r) => setImmediate(r));
  }
}
