import { SubscriptionsService } from '../../src/subscriptions/subscriptions.service';
import { SubscriptionLifecycleService } from '../../src/subscriptions/subscription-lifecycle.service';
import { UsageRecorder } from '../../src/usage/ledger/usage-recorder.service';
import { toUsageEvent } from '../../src/usage/usage-event';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan } from '../support/fixtures';

interface ChargeRow {
  type: string;
  billing_period: string;
  amount_fen: string;
  tax_fen: string;
  quantity: string | null;
}

const at = (iso: string) => new Date(iso);
/** Tax contained in a tax-inclusive amount at 600 bp, written out independently of the code. */
const tax = (amount: number) => Math.floor((amount * 600 * 2 + 10600) / (2 * 10600));

/**
 * Months pass inside this test through the services' explicit clocks: subscriptions are sold in
 * September 2026, usage is recorded in September and October, lifecycle steps happen in October,
 * then the real bill run for October (which has ended) rates everything that is due.
 */
describe('month-end bill run', () => {
  let t: TestApp;
  let subs: SubscriptionsService;
  let lifecycle: SubscriptionLifecycleService;
  let recorder: UsageRecorder;
  let accountId: string;
  const ids: Record<string, string> = {};
  let seq = 0;

  const record = (subscriberId: string, inputTokens: number, occurredAt: string) =>
    recorder.record([toUsageEvent({ eventId: `bill-${++seq}`, subscriberId, model: 'm1', inputTokens, outputTokens: 0, occurredAt })], { now: at(occurredAt) });
  const sell = async (planCode: string, subscriberId: string, now: string) =>
    (await subs.create({ accountId, planCode, members: [{ subscriberId }] }, at(now))).id;
  const charges = (subscriptionId: string): Promise<ChargeRow[]> =>
    t.db.query(`SELECT type, billing_period, amount_fen, tax_fen, quantity FROM charges WHERE subscription_id = $1 ORDER BY billing_period, type`, [
      subscriptionId,
    ]);
  const runPeriod = async (period: string) => {
    const res = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period });
    expect(res.status).toBe(201);
    for (let i = 0; i < 200; i++) {
      const run = await t.http().get(`/v1/rating-runs/${res.body.id}`).set(bearer(t.adminKey));
      if (run.body.status === 'completed' || run.body.status === 'failed') return run.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('run did not finish');
  };
  const expectCharge = (rows: ChargeRow[], type: string, period: string, amount: number, quantity: number | null) =>
    expect(rows).toContainEqual({
      type,
      billing_period: period,
      amount_fen: String(amount),
      tax_fen: String(tax(amount)),
      quantity: quantity === null ? null : String(quantity),
    });

  beforeAll(async () => {
    t = await startTestApp({ USAGE_RETENTION_DAYS: '3650' });
    subs = t.app.get(SubscriptionsService);
    lifecycle = t.app.get(SubscriptionLifecycleService);
    recorder = t.app.get(UsageRecorder);
    await createModel(t, 'm1');
    await createPlan(t, { code: 'p-block', monthlyFeeFen: 990, allowanceCredits: 10_000_000, rollover: { percent: 50, maxCredits: 5_000_000 } });
    await createPlan(t, {
      code: 'p-payg',
      kind: 'business',
      monthlyFeeFen: 19_900,
      allowanceCredits: 1_000_000,
      maxMembers: 50,
      overage: { mode: 'payg', ratePerMillionFen: 300, capFen: 5000 },
    });
    accountId = await createAccount(t, 'enterprise');

    // A: payg, sold mid-September, usage beyond the plan in September and beyond the cap in October.
    ids.a = await sell('p-payg', 'sub-a', '2026-09-15T10:00:00+08:00');
    await record('sub-a', 633_333, '2026-09-20T12:00:00+08:00');
    await record('sub-a', 21_000_000, '2026-10-10T12:00:00+08:00');
    // B: block, sold on September 1st, terminated on October 10th.
    ids.b = await sell('p-block', 'sub-b', '2026-09-01T00:00:00+08:00');
    await lifecycle.terminate(ids.b, at('2026-10-10T09:00:00+08:00'));
    // C: block, plan change to payg pending from September 20th, cancelled on October 5th.
    ids.c = await sell('p-block', 'sub-c', '2026-09-01T08:00:00+08:00');
    await lifecycle.changePlan(ids.c, 'p-payg', at('2026-09-20T00:00:00+08:00'));
    await lifecycle.cancel(ids.c, at('2026-10-05T00:00:00+08:00'));
  });
  afterAll(() => t.close());

  it('refuses a period that has not ended', async () => {
    const future = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 7);
    const res = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period: future });
    expect(res.status).toBe(409);
  });

  it('rates every due cycle, catching up September, with the expected charges', async () => {
    const run = await runPeriod('2026-10');
    expect(run.status).toBe('completed');
    expect(run.progress).toEqual({ processed: 3, total: 3 });

    const a = await charges(ids.a);
    // September: 16 of 30 days → fee roundHalfUp(19,900 × 16 / 30) = 10,613; allowance floor(1,000,000 × 16 / 30) = 533,333
    expectCharge(a, 'RECURRING', '2026-09', 10_613, 533_333);
    // 633,333 − 533,333 = 100,000 overage credits → roundHalfUp(100,000 × 300 / 1e6) = 30 fen
    expectCharge(a, 'OVERAGE', '2026-09', 30, 100_000);
    expectCharge(a, 'RECURRING', '2026-10', 19_900, 1_000_000);
    // cap: floor(5,000 × 1e6 / 300) = 16,666,666 credits; min(roundHalfUp(16,666,666 × 300 / 1e6) = 5,000, 5,000) = 5,000
    expectCharge(a, 'OVERAGE', '2026-10', 5_000, 16_666_666);
    expect(a).toHaveLength(4);
    const [oct] = await t.db.query(`SELECT unbilled_credits FROM cycles WHERE subscription_id = $1 AND period = '2026-10'`, [ids.a]);
    // 21,000,000 − 1,000,000 plan − 16,666,666 overage = 3,333,334 unbilled
    expect(oct.unbilled_credits).toBe('3333334');

    const b = await charges(ids.b);
    expectCharge(b, 'RECURRING', '2026-09', 990, 10_000_000);
    // terminated on the 10th: the October fee as the cycle opened, never reduced
    expectCharge(b, 'RECURRING', '2026-10', 990, 10_000_000);
    expect(b).toHaveLength(2);

    const c = await charges(ids.c);
    expectCharge(c, 'RECURRING', '2026-09', 990, 10_000_000);
    // the pending change took effect in October: the payg plan's fee and allowance
    expectCharge(c, 'RECURRING', '2026-10', 19_900, 1_000_000);
    expect(c).toHaveLength(2);
    const [cs] = await t.db.query(`SELECT status, current_cycle_id FROM subscriptions WHERE id = $1`, [ids.c]);
    expect(cs).toEqual({ status: 'ended', current_cycle_id: null });

    expect(run.counts).toEqual({ RECURRING: 6, OVERAGE: 2 });
    expect(run.totalAmountFen).toBe(10_613 + 30 + 19_900 + 5_000 + 990 + 990 + 990 + 19_900);
  });

  it('a second run of the same period is accepted and creates nothing', async () => {
    const before = Number((await t.db.query('SELECT count(*) n FROM charges'))[0].n);
    const run = await runPeriod('2026-10');
    expect(run.status).toBe('completed');
    expect(run.counts).toEqual({ RECURRING: 0, OVERAGE: 0 });
    expect(Number((await t.db.query('SELECT count(*) n FROM charges'))[0].n)).toBe(before);
  });

  it('honours Idempotency-Key on run creation', async () => {
    const a = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).set('Idempotency-Key', 'run-oct').send({ period: '2026-10' });
    const b = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).set('Idempotency-Key', 'run-oct').send({ period: '2026-10' });
    expect(b.body.id).toBe(a.body.id);
    const c = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).set('Idempotency-Key', 'run-oct').send({ period: '2026-09' });
    expect(c.status).toBe(409);
  });

  it('validates the period', async () => {
    for (const period of ['2026-13', '26-10', 202610, '']) {
      const res = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period });
      expect(res.status).toBe(400);
    }
  });
});
