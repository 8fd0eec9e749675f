import { CycleRoller } from '../../src/subscriptions/cycle-roller.service';
import { SubscriptionLifecycleService } from '../../src/subscriptions/subscription-lifecycle.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createPlan, subscribe } from '../support/fixtures';

interface Row {
  period: string;
  plan_code: string;
  status: string;
  unused_plan_credits: string | null;
  fee_fen: string;
}

/**
 * The roll is driven here with explicit instants (the roller's `until`), so months can pass inside
 * a test; the HTTP API always rolls to the real now.
 */
describe('cycle roll: rollover, pending plan change, cancellation, concurrency', () => {
  let t: TestApp;
  let roller: CycleRoller;
  let lifecycle: SubscriptionLifecycleService;
  let accountId: string;
  let n = 0;
  const line = () => `86139000${String(++n).padStart(5, '0')}`;
  const cycles = (id: string): Promise<Row[]> => t.db.query('SELECT * FROM cycles WHERE subscription_id = $1 ORDER BY start_at', [id]);
  const buckets = (id: string, period: string) =>
    t.db.query(
      `SELECT b.kind, b.granted_credits::int AS granted FROM buckets b JOIN cycles c ON c.id = b.cycle_id
       WHERE b.subscription_id = $1 AND c.period = $2 ORDER BY b.kind`,
      [id, period],
    );
  const future = (iso: string) => new Date(iso);
  /** Creation does not roll a backdated subscription; a read shows (and rolls) it as of now. */
  const readNow = async (id: string) => expect((await t.http().get(`/v1/subscriptions/${id}`).set(bearer(t.adminKey))).status).toBe(200);

  beforeAll(async () => {
    t = await startTestApp({ MAX_BACKDATE_DAYS: '3650' });
    roller = t.app.get(CycleRoller);
    lifecycle = t.app.get(SubscriptionLifecycleService);
    await createPlan(t, { code: 'roll50', rollover: { percent: 50, maxCredits: 5_000_000 } });
    await createPlan(t, { code: 'roll-capped', rollover: { percent: 100, maxCredits: 1_000_000 } });
    await createPlan(t, { code: 'fam', kind: 'family', monthlyFeeFen: 2990, allowanceCredits: 40_000_000, maxMembers: 3 });
    await createPlan(t, { code: 'biz', kind: 'business', monthlyFeeFen: 19900, allowanceCredits: 200_000_000, maxMembers: 50 });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('rolls over min(floor(unused plan credits × percent / 100), maxCredits), from the plan bucket only', async () => {
    const sub = await subscribe(t, accountId, 'roll50', [{ subscriberId: line() }], '2026-01-31T23:59:59+08:00');
    await readNow(sub.id);
    // January: 1 day of 31 → allowance floor(10,000,000 / 31) = 322,580, unused → February rollover floor(322,580 × 50 / 100) = 161,290
    expect(await buckets(sub.id, '2026-02')).toEqual([
      { kind: 'plan', granted: 10_000_000 },
      { kind: 'rollover', granted: 161_290 },
    ]);
    // February: 10,000,000 unused → March rollover min(5,000,000, 5,000,000); February's rollover bucket does not roll again
    expect(await buckets(sub.id, '2026-03')).toEqual([
      { kind: 'plan', granted: 10_000_000 },
      { kind: 'rollover', granted: 5_000_000 },
    ]);
  });

  it('limits the rollover by maxCredits', async () => {
    const sub = await subscribe(t, accountId, 'roll-capped', [{ subscriberId: line() }], '2026-05-01T00:00:00+08:00');
    await readNow(sub.id);
    // 100 % of 10,000,000 unused, capped at 1,000,000
    expect(await buckets(sub.id, '2026-06')).toEqual([
      { kind: 'plan', granted: 10_000_000 },
      { kind: 'rollover', granted: 1_000_000 },
    ]);
  });

  it('applies a pending plan change at the next cycle, with the ended plan’s rollover rules', async () => {
    const sub = await subscribe(t, accountId, 'roll50', [{ subscriberId: line() }]);
    const changed = await lifecycle.changePlan(sub.id, 'fam');
    expect(changed).toMatchObject({ planCode: 'roll50', pendingPlanCode: 'fam' });
    await roller.rollNow(sub.id, future('2030-01-01T00:00:00+08:00'));
    const rows = await cycles(sub.id);
    expect(rows[0].plan_code).toBe('roll50');
    expect(rows.slice(1).every((r) => r.plan_code === 'fam' && Number(r.fee_fen) === 2990)).toBe(true);
    const second = rows[1].period;
    // Second cycle: the family allowance, plus half of the first cycle's unused roll50 credits (capped at 5,000,000).
    const [plan, rollover] = await buckets(sub.id, second);
    expect(plan).toEqual({ kind: 'plan', granted: 40_000_000 });
    expect(rollover).toEqual({ kind: 'rollover', granted: Math.min(Math.floor((Number(rows[0].unused_plan_credits) * 50) / 100), 5_000_000) });
    const now = await t.http().get(`/v1/subscriptions/${sub.id}`).set(bearer(t.adminKey));
    // Time has moved past the change inside the roller: the plan is now fam and nothing is pending.
    expect(now.body).toMatchObject({ planCode: 'fam', pendingPlanCode: null });
  });

  it('a cancelled subscription ends at its cycle end: no new cycle, members released', async () => {
    const subscriberId = line();
    const sub = await subscribe(t, accountId, 'roll50', [{ subscriberId }]);
    await lifecycle.cancel(sub.id);
    await roller.rollNow(sub.id, future('2031-06-15T00:00:00Z'));
    const rows = await cycles(sub.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('closed');
    const [s] = await t.db.query('SELECT status, ended_at, current_cycle_id FROM subscriptions WHERE id = $1', [sub.id]);
    expect(s.status).toBe('ended');
    expect(s.current_cycle_id).toBeNull();
    const [m] = await t.db.query('SELECT removed_at FROM members WHERE subscriber_id = $1', [subscriberId]);
    expect(m.removed_at.toISOString()).toBe(s.ended_at.toISOString());
  });

  it('terminate closes the open cycle now and keeps the fee it opened with', async () => {
    const sub = await subscribe(t, accountId, 'roll50', [{ subscriberId: line() }], '2026-09-15T00:00:00+08:00');
    await readNow(sub.id);
    const before = await cycles(sub.id);
    const open = before.find((r) => r.status === 'open')!;
    const res = await t.http().post(`/v1/subscriptions/${sub.id}/terminate`).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ended', cycle: null });
    const after = await cycles(sub.id);
    const closed = after.find((r) => r.period === open.period)!;
    expect(closed.status).toBe('closed');
    expect(closed.fee_fen).toBe(open.fee_fen);
    expect(after.filter((r) => r.status === 'open')).toHaveLength(0);
  });

  it('rolls exactly once when many callers race on the same subscription', async () => {
    const sub = await subscribe(t, accountId, 'roll50', [{ subscriberId: line() }]);
    const until = future('2028-01-01T00:00:00+08:00');
    await Promise.all(Array.from({ length: 12 }, () => roller.rollNow(sub.id, until)));
    const rows = await cycles(sub.id);
    expect(new Set(rows.map((r) => r.period)).size).toBe(rows.length);
    expect(rows[rows.length - 1].period).toBe('2028-01');
    expect(rows.filter((r) => r.status === 'open')).toHaveLength(1);
    const [grants] = await t.db.query(
      `SELECT count(*)::int AS n, count(DISTINCT cycle_id)::int AS cycles FROM buckets WHERE subscription_id = $1 AND kind = 'plan'`,
      [sub.id],
    );
    expect(grants).toEqual({ n: rows.length, cycles: rows.length });
  });

  it('the balance shows the open cycle, its buckets and member usage against caps', async () => {
    const a = line();
    const b = line();
    const sub = await subscribe(t, accountId, 'biz', [{ subscriberId: a, monthlyCapCredits: 2_000_000 }, { subscriberId: b }]);
    const res = await t.http().get(`/v1/subscriptions/${sub.id}/balance`).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      subscriptionId: sub.id,
      status: 'active',
      planCode: 'biz',
      pendingPlanCode: null,
      overageCredits: 0,
      unbilledCredits: 0,
      heldCredits: 0,
      members: [
        { subscriberId: a, usedCredits: 0, monthlyCapCredits: 2_000_000 },
        { subscriberId: b, usedCredits: 0, monthlyCapCredits: null },
      ],
    });
    expect(res.body.cycle).toMatchObject({ id: sub.cycle.id, period: sub.cycle.period });
    expect(res.body.buckets).toHaveLength(1);
    expect(res.body.buckets[0]).toMatchObject({ kind: 'plan', expiresAt: sub.cycle.end });
    expect(res.body.buckets[0].remainingCredits).toBe(res.body.buckets[0].grantedCredits);
  });
});
