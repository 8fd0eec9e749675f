import { FUTURE_TOLERANCE_MS, RejectionReason } from './rejection-reason';

export interface MembershipSpan {
  subscriptionId: string;
  addedAt: Date;
  removedAt: Date | null;
}

/** Checks that need nothing but the clock, in contract order: FUTURE_EVENT, then TOO_OLD by retention. */
export function screenByClock(occurredAt: Date, now: Date, retentionDays: number): RejectionReason | null {
  if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return 'FUTURE_EVENT';
  if (occurredAt.getTime() < now.getTime() - retentionDays * 86_400_000) return 'TOO_OLD';
  return null;
}

/**
 * The subscription a subscriberId belonged to at `at`, or why none: TOO_OLD when its only
 * memberships begin later (the event predates the subscription), UNKNOWN_SUBSCRIBER otherwise.
 */
export function membershipAt(spans: readonly MembershipSpan[], at: Date): string | 'TOO_OLD' | 'UNKNOWN_SUBSCRIBER' {
  const t = at.getTime();
  const hit = spans.find((s) => s.addedAt.getTime() <= t && (s.removedAt === null || t < s.removedAt.getTime()));
  if (hit) return hit.subscriptionId;
  return spans.some((s) => s.addedAt.getTime() > t) && !spans.some((s) => s.addedAt.getTime() <= t) ? 'TOO_OLD' : 'UNKNOWN_SUBSCRIBER';
}
