import { assertCount, assertOptionalCount } from './input-guards';

/**
 * True when a member's monthly cap is exhausted: cap is set and used + held >= cap.
 * Held (reserved, not yet settled) credits count, so concurrent requests cannot overshoot.
 */
export function memberCapReached(usedCredits: number, heldCredits: number, monthlyCapCredits: number | null): boolean {
  assertCount(usedCredits, 'usedCredits');
  assertCount(heldCredits, 'heldCredits');
  assertOptionalCount(monthlyCapCredits, 'monthlyCapCredits');
  if (monthlyCapCredits === null) return false;
  // BigInt: used + held may pass 2^53; keep the comparison exact instead of reasoning about floats.
  return BigInt(usedCredits) + BigInt(heldCredits) >= BigInt(monthlyCapCredits);
}
