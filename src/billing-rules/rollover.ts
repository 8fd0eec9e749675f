import { BillingRuleError } from './billing-rule-error';
import { assertCount, toSafeNumber } from './input-guards';

/**
 * Credits carried into the next cycle: min(floor(unused × percent / 100), maxCredits).
 * Why floor: never carry over a fraction of a credit that was not bought.
 */
export function rolloverCredits(unusedPlanCredits: number, percent: number, maxCredits: number): number {
  assertCount(unusedPlanCredits, 'unusedPlanCredits');
  assertCount(maxCredits, 'maxCredits');
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new BillingRuleError('INVALID_PERCENT', `percent must be an integer 0..100, got ${String(percent)}`);
  }
  const carried = toSafeNumber((BigInt(unusedPlanCredits) * BigInt(percent)) / 100n, 'rolloverCredits');
  return Math.min(carried, maxCredits);
}
