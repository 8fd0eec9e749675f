import { SubscriptionsService } from '../../src/subscriptions/subscriptions.service';
import { periodIn } from '../support/calendar';
import { createAccount, createModel, createPlan } from '../support/fixtures';
import { TestApp, bearer } from '../support/test-app';
import { EventInput, drainUsageQueue } from '../support/usage';

/** Tax contained in a tax-inclusive amount at 600 bp, written out independently of the code. */
export const tax = (amount: number) => Math.sign(amount) * Math.floor((Math.abs(amount) * 600 * 2 + 10600) / (2 * 10600));

export interface Month {
  lastPeriod: string;
  ids: { a1: string; b1: string; accountB: string; batch: string };
}

/** The period before the current one in the billing zone (the last that has ended). */
export function lastPeriod(now = new Date()): string {
  const [y, m] = periodIn(now, 'Asia/Shanghai').split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

let seq = 0;
const ev = (subscriberId: string, model: string, inputTokens: number, outputTokens: number, occurredAt: string): EventInput => ({
  eventId: `vm-${process.pid}-${++seq}`,
  subscriberId,
  model,
  inputTokens,
  outputTokens,
  occurredAt,
});

async function ok(res: { status: number; body: unknown }, status: number, what: string): Promise<any> {
  if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A month of business through the public paths: two accounts subscribe on the 1st of last month
 * (block plan, and a family payg plan), usage goes through the API and the worker in last month
 * and this one, last month is rated by a bill run, a top-up and an adjustment follow, and one
 * settlement batch exports every charge.
 *
 * Figures (weights 1, so credits = tokens):
 *  - A1, block, 1,000,000 credits: 1,100,000 used last month → plan bucket 0 left, 100,000 unbilled;
 *    50,000 this month → this month's plan bucket 950,000 left.
 *  - B1, payg 300 fen/M, 1,000,000 credits: 1,500,000 (v-b1) + 600,000 (v-b2) last month → 1,100,000
 *    overage credits, OVERAGE roundHalfUp(1,100,000 × 300 / 1e6) = 330 fen.
 *  - Charges: RECURRING 990 (A) and 19,900 (B), OVERAGE 330, TOPUP 500, ADJUSTMENT −200 → 21,520.
 */
export async function runMonth(t: TestApp): Promise<Month> {
  const last = lastPeriod();
  const day = (d: string, time = '12:00:00') => `${last}-${d}T${time}+08:00`;
  await createModel(t, 'm1');
  await createPlan(t, { code: 'p-block', monthlyFeeFen: 990, allowanceCredits: 1_000_000, rollover: { percent: 50, maxCredits: 500_000 } });
  await createPlan(t, {
    code: 'p-payg',
    kind: 'family',
    monthlyFeeFen: 19_900,
    allowanceCredits: 1_000_000,
    overage: { mode: 'payg', ratePerMillionFen: 300, capFen: 5000 },
  });
  await ok(
    await t
      .http()
      .post('/v1/packs')
      .set(bearer(t.adminKey))
      .send({ code: 'pk', name: 'Pack', credits: 200_000, priceFen: 500, validity: { kind: 'cycle' } }),
    201,
    'pack',
  );
  const accountA = await createAccount(t);
  const accountB = await createAccount(t, 'enterprise');
  const subs = t.app.get(SubscriptionsService);
  // Sold on the 1st of last month (the service's clock set then): last month's cycle is still
  // open when its usage arrives, as it would have been in real time.
  const soldAt = new Date(day('01', '00:00:00'));
  const a1 = (await subs.create({ accountId: accountA, planCode: 'p-block', members: [{ subscriberId: 'v-a1' }] }, soldAt)).id;
  const b1 = (await subs.create({ accountId: accountB, planCode: 'p-payg', members: [{ subscriberId: 'v-b1' }, { subscriberId: 'v-b2' }] }, soldAt)).id;

  const now = new Date(Date.now() - 1000).toISOString();
  const events = [
    ev('v-a1', 'm1', 300_000, 100_000, day('05')),
    ev('v-a1', 'm1', 700_000, 0, day('20')),
    ev('v-b1', 'm1', 1_500_000, 0, day('10')),
    ev('v-b2', 'm1', 600_000, 0, day('12')),
    ev('v-a1', 'm1', 40_000, 10_000, now),
    ev('v-b1', 'm1', 20_000, 0, now),
  ];
  await ok(await t.http().post('/v1/usage-events').set(bearer(t.adminKey)).send({ events }), 202, 'ingest');
  await drainUsageQueue(t);
  await ok(
    await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(t.adminKey))
      .send({ events: [events[0], ev('v-a1', 'no-such-model', 1, 1, now)] }),
    202,
    'ingest',
  );
  await drainUsageQueue(t);

  const run = await ok(await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period: last }), 201, 'rating run');
  for (let i = 0; i < 300; i++) {
    const view = (await t.http().get(`/v1/rating-runs/${run.id}`).set(bearer(t.adminKey))).body;
    if (view.status === 'completed') break;
    if (view.status === 'failed' || i === 299) throw new Error(`bill run ended ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await ok(await t.http().post(`/v1/subscriptions/${a1}/top-ups`).set(bearer(t.adminKey)).send({ packCode: 'pk' }), 201, 'top-up');
  await ok(
    await t.http().post(`/v1/accounts/${accountB}/adjustments`).set(bearer(t.adminKey)).send({ amountFen: -200, reason: 'goodwill' }),
    201,
    'adjustment',
  );
  const batch = await ok(await t.http().post('/v1/settlement-batches').set(bearer(t.adminKey)), 201, 'settlement');
  return { lastPeriod: last, ids: { a1, b1, accountB, batch: batch.id } };
}
