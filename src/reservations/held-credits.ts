/**
 * A sum of held credits as read from held_credits(), saturated at 2^53 − 1. Holds on an uncapped
 * payg plan have no upper bound, and their sum must not turn every later authorization, balance
 * or usage batch of the pool into an error; beyond 2^53 − 1 credits "held" means "all of it".
 */
export function heldCreditsFrom(value: string | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Math.min(Number(value), Number.MAX_SAFE_INTEGER);
}
