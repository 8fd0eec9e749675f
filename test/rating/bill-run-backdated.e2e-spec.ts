import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';

/** Tax contained in a tax-inclusive amount at 600 bp, written out independently of the code. */
const tax = (amount: number) => Math.floor((amount * 600 * 2 + 10600) / (2 * 10600));

/**
 * SPEC §4: a subscription backdated into an earlier month stays in the cycle containing its startAt
 * until first touched, so usage of that month arriving after the creation is billed in that month's
 * cycle (not as late usage in the current one), and the bill run charges its overage there.
 */
describe('bill run: a backdated subscription whose usage arrives after its creation', () => {
  let t: TestApp;
  let accountId: string;
  let subscriptionId: string;

  beforeAll(async () => {
    t = await startTestApp({ USAGE_RETENTION_DAYS: '3650' });
    await createModel(t, 'm1');
    await createPlan(t, {
      code: 'biz-payg',
      kind: 'business',
      monthlyFeeFen: 19_900,
      allowanceCredits: 1_000_000,
      maxMembers: 10,
      overage: { mode: 'payg', ratePerMillionFen: 300, capFen: 5000 },
    });
    accountId = await createAccount(t, 'enterprise');
    // Migrated from a legacy system: it began on October 16th, 2026, and is created today.
    subscriptionId = (await subscribe(t, accountId, 'biz-payg', [{ subscriberId: 'legacy-1' }], '2026-10-16T00:00:00+08:00')).id;
    // October's usage, provisioned late, arrives now: inputs and outputs weigh 1 credit per token.
    const res = await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(t.adminKey))
      .send({ events: [event('legacy-1', 'm1', 600_000, 16_129, new Date('2026-10-20T12:00:00+08:00'))] });
    expect(res.status).toBe(202);
    await drainUsageQueue(t);
  });
  afterAll(() => t.close());

  it('records the usage in October’s cycle, not as late usage', async () => {
    const res = await t.http().get('/v1/usage').query({ subscriptionId }).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    const [october] = await t.db.query(`SELECT id FROM cycles WHERE subscription_id = $1 AND period = '2026-10'`, [subscriptionId]);
    // October from the 16th: 16 days of 31 → allowance floor(1,000,000 × 16 / 31) = 516,129;
    // 616,129 credits used → 100,000 overage credits.
    expect(res.body.data).toEqual([
      expect.objectContaining({ credits: 616_129, overageCredits: 100_000, unbilledCredits: 0, late: false, cycleId: october.id }),
    ]);
  });

  it('the bill run for October charges October’s fee and overage in October', async () => {
    const created = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period: '2026-10' });
    expect(created.status).toBe(201);
    let run = created.body;
    for (let i = 0; i < 200 && run.status !== 'completed' && run.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = (await t.http().get(`/v1/rating-runs/${created.body.id}`).set(bearer(t.adminKey))).body;
    }
    expect(run.status).toBe('completed');
    const rows = await t.db.query(
      `SELECT type, billing_period, amount_fen::int AS amount, tax_fen::int AS tax, quantity::int AS quantity FROM charges
        WHERE subscription_id = $1 ORDER BY billing_period, type`,
      [subscriptionId],
    );
    expect(rows).toEqual([
      // 100,000 overage credits → roundHalfUp(100,000 × 300 / 1e6) = 30 fen, below the 5,000 fen cap
      { type: 'OVERAGE', billing_period: '2026-10', amount: 30, tax: tax(30), quantity: 100_000 },
      // 16 of 31 days → fee roundHalfUp(19,900 × 16 / 31) = roundHalfUp(10,270.97…) = 10,271
      { type: 'RECURRING', billing_period: '2026-10', amount: 10_271, tax: tax(10_271), quantity: 516_129 },
    ]);
    const invoices = await t.http().get('/v1/invoices').query({ period: '2026-10', accountId }).set(bearer(t.adminKey));
    expect(invoices.status).toBe(200);
    expect(invoices.body.data).toHaveLength(1);
    expect(invoices.body.data[0].totalFen).toBe(10_271 + 30);
  });
});
