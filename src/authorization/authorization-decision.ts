import { memberCapReached, overageCapCredits } from '../billing-rules';
import { OverageMode } from '../catalog/entities/plan.entity';
import { CatalogStatus } from '../catalog/entities/model.entity';
import { SubscriptionStatus } from '../subscriptions/entities/subscription.entity';
import { planAllowsModel } from '../billing-rules';

/** Why a call is refused, in the order the checks run (the balance reasons last). */
export const DENIAL_REASONS = [
  'UNKNOWN_SUBSCRIBER',
  'UNKNOWN_MODEL',
  'MODEL_NOT_IN_PLAN',
  'SUBSCRIPTION_SUSPENDED',
  'SUBSCRIPTION_ENDED',
  'MEMBER_CAP_REACHED',
  'BALANCE_EXHAUSTED',
  'SPENDING_CAP_REACHED',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

/**
 * Everything one decision needs about a subscriber's current membership (or, when it has none, its
 * latest one if that ended with its subscription, whose status is then `ended`), read in one query.
 */
export interface AuthorizationSnapshot {
  subscriptionId: string;
  status: SubscriptionStatus;
  /** End of the open cycle; null once the subscription has ended. */
  cycleEndAt: Date | null;
  planModels: string[];
  overageMode: OverageMode;
  overageRatePerMillionFen: number;
  overageCapFen: number | null;
  cycleOverageCredits: number;
  /** null: no such model. */
  modelStatus: CatalogStatus | null;
  /** Credits left in the buckets usable now. */
  bucketCredits: number;
  /** Credits of the pool held by active reservations. */
  heldCredits: number;
  memberUsedCredits: number;
  /** Credits of this member held by active reservations. */
  memberHeldCredits: number;
  monthlyCapCredits: number | null;
}

export interface AuthorizationDecision {
  allowed: boolean;
  reason?: DenialReason;
  remainingCredits: number;
  overageAllowed: boolean;
}

const UNKNOWN: AuthorizationDecision = { allowed: false, reason: 'UNKNOWN_SUBSCRIBER', remainingCredits: 0, overageAllowed: false };

/** Decides whether `snapshot`'s subscriber may spend `estimate` credits on `model` now. */
export function decide(snapshot: AuthorizationSnapshot | null, model: string, estimate: number): AuthorizationDecision {
  if (!snapshot) return UNKNOWN;
  const remainingCredits = Math.max(0, snapshot.bucketCredits - snapshot.heldCredits);
  const overageAllowed = overageOpen(snapshot);
  const reason = refusal(snapshot, model, estimate, remainingCredits, overageAllowed);
  return reason ? { allowed: false, reason, remainingCredits, overageAllowed } : { allowed: true, remainingCredits, overageAllowed };
}

function refusal(s: AuthorizationSnapshot, model: string, estimate: number, remaining: number, overageAllowed: boolean): DenialReason | null {
  if (s.modelStatus !== 'active') return 'UNKNOWN_MODEL';
  if (!planAllowsModel(s.planModels, model)) return 'MODEL_NOT_IN_PLAN';
  if (s.status === 'suspended') return 'SUBSCRIPTION_SUSPENDED';
  if (s.status === 'ended' || s.cycleEndAt === null) return 'SUBSCRIPTION_ENDED';
  if (memberCapReached(s.memberUsedCredits, s.memberHeldCredits, s.monthlyCapCredits)) return 'MEMBER_CAP_REACHED';
  if (remaining >= estimate) return null;
  if (s.overageMode === 'block') return 'BALANCE_EXHAUSTED';
  return overageAllowed ? null : 'SPENDING_CAP_REACHED';
}

/** Payg with the cycle's overage still below its cap; an ended subscription has no cycle to bill. */
function overageOpen(s: AuthorizationSnapshot): boolean {
  if (s.overageMode !== 'payg' || s.cycleEndAt === null) return false;
  const room = overageRoom(s);
  return room === null || room > 0;
}

/**
 * Overage credits the cycle may still bill (null: no limit). Holds the buckets cannot cover are
 * overage in waiting, so they take their share of the cap's room before the usage arrives.
 */
export function overageRoom(s: AuthorizationSnapshot): number | null {
  const cap = overageCapCredits(s.overageCapFen, s.overageRatePerMillionFen);
  if (cap === null) return null;
  const heldBeyondBuckets = Math.max(0, s.heldCredits - s.bucketCredits);
  return Math.max(0, cap - s.cycleOverageCredits - heldBeyondBuckets);
}
