import { dbIntOrZero } from '../database/db-integer';
import { heldCreditsFrom } from '../reservations/held-credits';

/**
 * The one read model of "what can this subscription spend now", shared by authorization, alerts,
 * the usage worker's alert screen and the balance: the credits left in the buckets usable at an
 * instant (`usable_buckets(at)`, the SQL twin of isBucketUsable) minus those held by open
 * reservations (`held_credits(at)`). Readers embed these sub-selects in their own single statement,
 * so each hot path stays one round trip, and map the figures with `spendable`.
 */
export const BalanceSql = {
  /** Credits left in the subscription's buckets usable at `at`. */
  usableCredits: (subscriptionId: string, at: string) =>
    `(SELECT COALESCE(SUM(b.remaining_credits), 0) FROM usable_buckets(${at}) b WHERE b.subscription_id = ${subscriptionId})`,
  /** Credits held at `at` by the subscription's open reservations, or by one member's. */
  heldCredits: (subscriptionId: string, at: string, subscriberId?: string) =>
    `(SELECT COALESCE(SUM(h.credits), 0) FROM held_credits(${at}) h WHERE h.subscription_id = ${subscriptionId}${
      subscriberId ? ` AND h.subscriber_id = ${subscriberId}` : ''
    })`,
};

export interface Spendable {
  usableCredits: number;
  heldCredits: number;
  /** What may still be spent: usable minus held, never below zero. */
  remainingCredits: number;
}

/** Maps the two figures as read (text from PostgreSQL): checked integers, held sums saturated. */
export function spendable(usable: string | number | null | undefined, held: string | number | null | undefined): Spendable {
  const usableCredits = dbIntOrZero(usable, 'usable credits');
  const heldCredits = heldCreditsFrom(held);
  return { usableCredits, heldCredits, remainingCredits: Math.max(0, usableCredits - heldCredits) };
}
