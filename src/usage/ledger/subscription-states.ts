import { EntityManager } from 'typeorm';
import { Bucket } from '../../billing-rules';
import { Plan } from '../../catalog/entities/plan.entity';
import { Cycle } from '../../subscriptions/entities/cycle.entity';
import { Subscription } from '../../subscriptions/entities/subscription.entity';
import { heldCreditsFrom } from '../../reservations/held-credits';
import { SUBSCRIPTION_COLUMNS, SubscriptionRow, subscriptionFromRow } from '../../subscriptions/subscription-row';
import { dbInt, dbIntOrNull, dbIntOrZero } from '../../database/db-integer';
import { BalanceSql } from '../../subscriptions/balance-read-model';

/** What rating an event needs to know about its subscription, held in memory for one batch. */
export interface SubscriptionState {
  sub: Subscription;
  cycle: Cycle | null;
  plan: Plan;
  buckets: Bucket[];
  /** Overage credits of the open cycle including this batch's so far. */
  overageSoFar: number;
  /** The open cycle's allowance, and the credits its members used including this batch's so far. */
  allowanceCredits: number;
  usedSoFar: number;
  /**
   * Credits held by reservations not expired at the load's `from` instant: a superset of those held
   * now, which errs toward screening a subscription in for alerts, never out.
   */
  heldCredits: number;
  /** Whether a current member has a monthly cap (those alerts need the per-member usage). */
  hasMemberCaps: boolean;
}

interface StateRow extends SubscriptionRow {
  c_start: Date | null;
  c_end: Date | null;
  c_plan: string | null;
  c_overage: string | null;
  c_allowance: string | null;
  c_used: string | null;
  held: string;
  has_member_caps: boolean;
  p_code: string;
  p_models: string[];
  p_mode: Plan['overageMode'];
  p_rate: string;
  p_cap: string | null;
  buckets: { id: string; seq: number; kind: Bucket['kind']; remaining: number; valid_from: string; expires_at: string }[] | null;
}

/**
 * Locks the subscriptions in id order (concurrent batches over the same rows never deadlock), then
 * reads each one's open cycle, plan and the buckets not expired at `from` (the caller passes an
 * instant no later than both its first event and now, so that the balance at either is complete).
 *
 * The read must be a second statement. Under READ COMMITTED a statement that waited for a row lock
 * re-checks only the locked rows; its joins and sub-selects keep the snapshot taken before the
 * wait, so balances read in the locking statement itself could predate the batch that held the
 * lock, and the same credits would be spent twice.
 */
export async function lockAndLoadStates(em: EntityManager, ids: string[], from: Date): Promise<Map<string, SubscriptionState>> {
  const sorted = [...new Set(ids)].sort();
  if (sorted.length === 0) return new Map();
  await em.query(`SELECT id FROM subscriptions WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [sorted]);
  const rows: StateRow[] = await em.query(
    `SELECT ${SUBSCRIPTION_COLUMNS},
            c.start_at AS c_start, c.end_at AS c_end, c.plan_code AS c_plan, c.overage_credits AS c_overage,
            c.allowance_credits AS c_allowance,
            (SELECT SUM(u.used_credits) FROM member_cycle_usage u WHERE u.cycle_id = c.id) AS c_used,
            ${BalanceSql.heldCredits('s.id', '$2')} AS held,
            EXISTS (SELECT 1 FROM members m WHERE m.subscription_id = s.id AND m.removed_at IS NULL AND m.monthly_cap_credits IS NOT NULL)
              AS has_member_caps,
            p.code AS p_code, p.models AS p_models, p.overage_mode AS p_mode, p.overage_rate_per_million_fen AS p_rate,
            p.overage_cap_fen AS p_cap,
            (SELECT json_agg(json_build_object('id', b.id, 'seq', b.seq, 'kind', b.kind, 'remaining', b.remaining_credits,
                                               'valid_from', b.valid_from, 'expires_at', b.expires_at))
               FROM buckets b WHERE b.subscription_id = s.id AND b.remaining_credits > 0 AND b.expires_at > $2) AS buckets
     FROM subscriptions s
     LEFT JOIN cycles c ON c.id = s.current_cycle_id
     JOIN plans p ON p.code = COALESCE(c.plan_code, s.plan_code)
     WHERE s.id = ANY($1::uuid[])`,
    [sorted, from.toISOString()],
  );
  return new Map(rows.map((r) => [r.id, toState(r)]));
}

/**
 * Plain objects in the entities' shapes, not `em.create`: this runs for every subscription of every
 * usage batch, and the rater and the roller only read these fields.
 */
function toState(r: StateRow): SubscriptionState {
  const sub = subscriptionFromRow(r);
  const cycle = r.current_cycle_id
    ? ({
        id: r.current_cycle_id,
        startAt: r.c_start!,
        endAt: r.c_end!,
        planCode: r.c_plan!,
        overageCredits: dbInt(r.c_overage, 'cycle overage_credits'),
      } as Cycle)
    : null;
  const plan = {
    code: r.p_code,
    models: r.p_models,
    overageMode: r.p_mode,
    overageRatePerMillionFen: dbInt(r.p_rate, 'plan overage rate'),
    overageCapFen: dbIntOrNull(r.p_cap, 'plan overage cap'),
  } as Plan;
  const buckets = (r.buckets ?? []).map((b) => ({
    id: b.id,
    kind: b.kind,
    remainingCredits: dbInt(b.remaining, 'bucket remaining_credits'),
    validFrom: new Date(b.valid_from),
    expiresAt: new Date(b.expires_at),
    createdOrder: dbInt(b.seq, 'bucket seq'),
  }));
  return {
    sub,
    cycle,
    plan,
    buckets,
    overageSoFar: cycle?.overageCredits ?? 0,
    allowanceCredits: dbIntOrZero(r.c_allowance, 'cycle allowance_credits'),
    usedSoFar: dbIntOrZero(r.c_used, 'cycle used credits'),
    heldCredits: heldCreditsFrom(r.held),
    hasMemberCaps: r.has_member_caps,
  };
}
