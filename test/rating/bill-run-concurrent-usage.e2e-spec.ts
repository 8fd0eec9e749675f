import { SubscriptionsService } from '../../src/subscriptions/subscriptions.service';
import { UsageRecorder } from '../../src/usage/ledger/usage-recorder.service';
import { toUsageEvent } from '../../src/usage/usage-event';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan } from '../support/fixtures';

const SUBS = 60;

/**
 * Usage for October arrives while the October bill run is closing the cycles. Each event must be
 * either rated into October before its cycle closes (and then be in October's OVERAGE charge) or
 * attributed to November as late; never both, never neither.
 */
describe('usage arriving during the bill run', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ USAGE_RETENTION_DAYS: '3650', RATING_CHUNK_SIZE: '10', RATING_SLICE_SIZE: '2' });
    await createModel(t, 'm1');
    await createPlan(t, {
      code: 'tiny-payg',
      kind: 'business',
      maxMembers: 5,
      monthlyFeeFen: 100,
      allowanceCredits: 10,
      overage: { mode: 'payg', ratePerMillionFen: 1_000_000, capFen: null },
    });
    const accountId = await createAccount(t, 'enterprise');
    const subs = t.app.get(SubscriptionsService);
    for (let i = 0; i < SUBS; i++) {
      await subs.create({ accountId, planCode: 'tiny-payg', members: [{ subscriberId: `during-${i}` }] }, new Date('2026-10-01T00:00:00+08:00'));
    }
  }, 120_000);
  afterAll(() => t.close());

  it('rates every October event exactly once, in October or late in November', async () => {
    const recorder = t.app.get(UsageRecorder);
    const now = new Date('2026-11-01T00:05:00+08:00');
    const run = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period: '2026-10' });
    expect(run.status).toBe(201);
    // 5 rounds of one 100-credit event per subscription, racing the run's slices.
    for (let round = 0; round < 5; round++) {
      const events = Array.from({ length: SUBS }, (_, i) =>
        toUsageEvent({
          eventId: `during-${round}-${i}`,
          subscriberId: `during-${i}`,
          model: 'm1',
          inputTokens: 100,
          outputTokens: 0,
          occurredAt: '2026-10-31T23:50:00+08:00',
        }),
      );
      await recorder.record(events, { now });
    }
    let status = '';
    for (let i = 0; i < 300 && status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await t.http().get(`/v1/rating-runs/${run.body.id}`).set(bearer(t.adminKey))).body.status;
    }
    expect(status).toBe('completed');

    const [ledger] = await t.db.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids FROM usage_ledger WHERE event_id LIKE 'during-%'`);
    expect(ledger).toEqual({ n: 5 * SUBS, ids: 5 * SUBS });
    // Every October cycle's OVERAGE charge quantity equals the overage of the ledger rows attributed to it.
    const mismatches = await t.db.query(`
      SELECT c.id, COALESCE(ch.quantity, 0) AS charged, COALESCE(l.overage, 0) AS ledger
      FROM cycles c
      LEFT JOIN charges ch ON ch.cycle_id = c.id AND ch.type = 'OVERAGE'
      LEFT JOIN (SELECT cycle_id, sum(overage_credits) AS overage FROM usage_ledger GROUP BY cycle_id) l ON l.cycle_id = c.id
      WHERE c.period = '2026-10' AND COALESCE(ch.quantity, 0) <> COALESCE(l.overage, 0)`);
    expect(mismatches).toEqual([]);
    // The events that found October closed are late in November, and only those.
    const [split] = await t.db.query(`
      SELECT count(*) FILTER (WHERE c.period = '2026-10' AND NOT l.late)::int AS in_october,
             count(*) FILTER (WHERE c.period = '2026-11' AND l.late)::int AS late_in_november
      FROM usage_ledger l JOIN cycles c ON c.id = l.cycle_id WHERE l.event_id LIKE 'during-%'`);
    expect(split.in_october + split.late_in_november).toBe(5 * SUBS);
    const [unrated] = await t.db.query(`SELECT count(*)::int AS n FROM cycles WHERE period = '2026-10' AND status <> 'rated'`);
    expect(unrated.n).toBe(0);
  }, 120_000);
});
