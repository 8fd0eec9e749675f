import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';
import { balanceOf, buyTopup, createPack, startOfPreviousMonth } from './topup-helpers';

/**
 * SPEC §5 order: earliest expiry first; on a tie rollover, then plan, then topup; then oldest.
 * The subscription starts on the 1st of last month, so last month's full allowance (10,000) went
 * unused and rolled over: min(floor(10,000 × 100 / 100), 3,000) = 3,000 credits this cycle.
 */
describe('top-up credits are drawn in the SPEC order by the ledger', () => {
  let t: TestApp;
  let gateway: string;
  const who = '8613720000001';

  beforeAll(async () => {
    t = await startTestApp();
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createPlan(t, { code: 'roll', allowanceCredits: 10_000, rollover: { percent: 100, maxCredits: 3_000 } });
    await createPack(t, { code: 'c1k', credits: 1_000, priceFen: 100, validity: { kind: 'cycle' } });
    await createPack(t, { code: 'd2k', credits: 2_000, priceFen: 150, validity: { kind: 'days', days: 1 } });
  });
  afterAll(() => t.close());

  it('plan, rollover and packs of different expiry: earliest first, rollover < plan < topup, oldest topup first', async () => {
    const sub = await subscribe(t, await createAccount(t), 'roll', [{ subscriberId: who }], startOfPreviousMonth());
    const cycleOne = await bought(sub.id, 'c1k');
    const day = await bought(sub.id, 'd2k');
    const cycleTwo = await bought(sub.id, 'c1k');
    const label = await bucketLabels(sub.id, { [cycleOne.id]: 'c1k#1', [day.id]: 'd2k', [cycleTwo.id]: 'c1k#2' });
    const b = await balanceOf(t, sub.id);
    expect(b.buckets.map((x: { kind: string; grantedCredits: number }) => [x.kind, x.grantedCredits])).toEqual(
      expect.arrayContaining([
        ['rollover', 3_000],
        ['plan', 10_000],
      ]),
    );
    // The day pack expires 24 h after purchase: before the cycle's end unless the month ends within a day.
    const dayFirst = Date.parse(day.expiresAt) < Date.parse(b.cycle.end);

    const big = event(who, 'm1', 15_500, 0);
    await send([big]);
    expect(await draws(big.eventId, label)).toEqual(
      dayFirst
        ? [
            ['d2k', 2_000],
            ['rollover', 3_000],
            ['plan', 10_000],
            ['c1k#1', 500],
          ]
        : [
            ['rollover', 3_000],
            ['plan', 10_000],
            ['c1k#1', 1_000],
            ['c1k#2', 1_000],
            ['d2k', 500],
          ],
    );
    const small = event(who, 'm1', 1_000, 0);
    await send([small]);
    expect(await draws(small.eventId, label)).toEqual(
      dayFirst
        ? [
            ['c1k#1', 500],
            ['c1k#2', 500],
          ]
        : [['d2k', 1_000]],
    );
    expect(await remaining(sub.id, label)).toEqual(
      dayFirst ? { rollover: 0, plan: 0, d2k: 0, 'c1k#1': 0, 'c1k#2': 500 } : { rollover: 0, plan: 0, d2k: 500, 'c1k#1': 0, 'c1k#2': 0 },
    );
  });

  const bought = async (subscriptionId: string, packCode: string) => {
    const res = await buyTopup(t, subscriptionId, packCode);
    expect(res.status).toBe(201);
    return res.body as { id: string; expiresAt: string };
  };

  const send = async (events: object[]) => {
    await t.http().post('/v1/usage-events').set(bearer(gateway)).send({ events }).expect(202);
    await drainUsageQueue(t);
  };

  /** id → a readable name of each bucket valid now: its kind for plan and rollover, its purchase for a topup. */
  async function bucketLabels(subscriptionId: string, purchases: Record<string, string>): Promise<Map<string, string>> {
    const rows: { id: string; kind: string; source_ref: string | null }[] = await t.db.query(
      `SELECT id, kind, source_ref FROM buckets WHERE subscription_id = $1 AND expires_at > now()`,
      [subscriptionId],
    );
    return new Map(rows.map((r) => [r.id, r.kind === 'topup' ? purchases[r.source_ref!] : r.kind]));
  }

  async function draws(eventId: string, label: Map<string, string>): Promise<[string, number][]> {
    const [row] = await t.db.query(`SELECT draws FROM usage_ledger WHERE event_id = $1`, [eventId]);
    return (row.draws as { bucketId: string; credits: number }[]).map((d) => [label.get(d.bucketId)!, d.credits]);
  }

  async function remaining(subscriptionId: string, label: Map<string, string>): Promise<Record<string, number>> {
    const rows: { id: string; remaining_credits: string }[] = await t.db.query(`SELECT id, remaining_credits FROM buckets WHERE subscription_id = $1`, [
      subscriptionId,
    ]);
    return Object.fromEntries(rows.filter((r) => label.has(r.id)).map((r) => [label.get(r.id)!, Number(r.remaining_credits)]));
  }
});
