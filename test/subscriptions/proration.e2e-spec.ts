import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createPlan, subscribe } from '../support/fixtures';
import { periodIn, periodsBetween } from '../support/calendar';

interface CycleRow {
  period: string;
  fee_fen: string;
  allowance_credits: string;
  status: string;
  first_cycle: boolean;
  start_at: Date;
}

async function cyclesOf(t: TestApp, subscriptionId: string): Promise<CycleRow[]> {
  return t.db.query('SELECT * FROM cycles WHERE subscription_id = $1 ORDER BY start_at', [subscriptionId]);
}

// The personal offer: 9.90 CNY = 990 fen for 10,000,000 credits a month.
describe('first-cycle proration by days in the billing time zone (Asia/Shanghai)', () => {
  let t: TestApp;
  let accountId: string;
  let n = 0;
  const line = () => `86138000${String(++n).padStart(5, '0')}`;

  beforeAll(async () => {
    t = await startTestApp({ MAX_BACKDATE_DAYS: '3650' });
    await createPlan(t, { code: 'p99' });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('2026-02-28T16:30:00Z is March 1st in Shanghai: a full March cycle', async () => {
    const sub = await subscribe(t, accountId, 'p99', [{ subscriberId: line() }], '2026-02-28T16:30:00Z');
    const [first] = await cyclesOf(t, sub.id);
    expect(first.period).toBe('2026-03');
    // daysRemaining = 31 − 1 + 1 = 31 of 31: the full fee and allowance.
    expect(Number(first.fee_fen)).toBe(990);
    expect(Number(first.allowance_credits)).toBe(10_000_000);
    expect(first.start_at.toISOString()).toBe('2026-02-28T16:30:00.000Z');
  });

  it('the last second of a 31-day month is one day of 31', async () => {
    const sub = await subscribe(t, accountId, 'p99', [{ subscriberId: line() }], '2026-01-31T23:59:59+08:00');
    const [first] = await cyclesOf(t, sub.id);
    expect(first.period).toBe('2026-01');
    // fee = roundHalfUp(990 × 1 / 31) = roundHalfUp(31.935…) = 32; allowance = floor(10,000,000 / 31) = 322,580
    expect(Number(first.fee_fen)).toBe(32);
    expect(Number(first.allowance_credits)).toBe(322_580);
  });

  it('February 29th of a leap year is one day of 29', async () => {
    const sub = await subscribe(t, accountId, 'p99', [{ subscriberId: line() }], '2024-02-29T12:00:00+08:00');
    const [first] = await cyclesOf(t, sub.id);
    expect(first.period).toBe('2024-02');
    // fee = roundHalfUp(990 / 29) = roundHalfUp(34.137…) = 34; allowance = floor(10,000,000 / 29) = 344,827
    expect(Number(first.fee_fen)).toBe(34);
    expect(Number(first.allowance_credits)).toBe(344_827);
  });

  it('mid-month: the 15th of a 30-day month is 16 days of 30', async () => {
    const sub = await subscribe(t, accountId, 'p99', [{ subscriberId: line() }], '2026-09-15T00:00:00+08:00');
    const [first] = await cyclesOf(t, sub.id);
    // fee = roundHalfUp(990 × 16 / 30) = 528; allowance = floor(10,000,000 × 16 / 30) = 5,333,333
    expect(Number(first.fee_fen)).toBe(528);
    expect(Number(first.allowance_credits)).toBe(5_333_333);
  });

  it('a backdated subscription rolls through every month to the current one, each at the full plan, once read', async () => {
    const created = await subscribe(t, accountId, 'p99', [{ subscriberId: line() }], '2026-03-10T09:00:00+08:00');
    // Creation does not roll: the subscription stays in the cycle containing startAt until touched or read.
    expect(created.cycle.period).toBe('2026-03');
    const sub = (await t.http().get(`/v1/subscriptions/${created.id}`).set(bearer(t.adminKey))).body;
    const cycles = await cyclesOf(t, sub.id);
    const expected = periodsBetween('2026-03', periodIn(new Date(), 'Asia/Shanghai'));
    expect(cycles.map((c) => c.period)).toEqual(expected);
    expect(cycles.filter((c) => c.status === 'open').map((c) => c.period)).toEqual([expected[expected.length - 1]]);
    expect(cycles.slice(1).every((c) => Number(c.fee_fen) === 990 && Number(c.allowance_credits) === 10_000_000 && !c.first_cycle)).toBe(true);
    // March from the 10th: 22 days of 31 → fee roundHalfUp(990 × 22 / 31) = roundHalfUp(702.58…) = 703
    expect(Number(cycles[0].fee_fen)).toBe(703);
    expect(sub.cycle.period).toBe(expected[expected.length - 1]);
  });
});

describe('proration with BILLING_TZ=America/New_York', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BILLING_TZ: 'America/New_York', MAX_BACKDATE_DAYS: '3650' });
    await createPlan(t, { code: 'p99' });
  });
  afterAll(() => t.close());

  it('2026-02-28T16:30:00Z is still February 28th in New York: one day of 28', async () => {
    const accountId = await createAccount(t);
    const sub = await subscribe(t, accountId, 'p99', [{ subscriberId: '15550000001' }], '2026-02-28T16:30:00Z');
    const [first] = await cyclesOf(t, sub.id);
    expect(first.period).toBe('2026-02');
    // fee = roundHalfUp(990 / 28) = roundHalfUp(35.357…) = 35; allowance = floor(10,000,000 / 28) = 357,142
    expect(Number(first.fee_fen)).toBe(35);
    expect(Number(first.allowance_credits)).toBe(357_142);
    // The March cycle starts at midnight New York time (EST, UTC−5); a read rolls the subscription to it.
    expect((await t.http().get(`/v1/subscriptions/${sub.id}`).set(bearer(t.adminKey))).status).toBe(200);
    const [, second] = await cyclesOf(t, sub.id);
    expect(second.start_at.toISOString()).toBe('2026-03-01T05:00:00.000Z');
  });
});
