import { BillingRuleError } from './billing-rule-error';
import { assertSafeInteger } from './input-guards';
import { roundHalfUp } from './round-half-up';

/** 100% expressed in basis points. */
export const BASIS_POINTS = 10_000;

/**
 * Tax contained in a tax-inclusive amount: roundHalfUp(|amount| × bp / (10000 + bp)), with the
 * sign of the amount kept (negative amounts are credits/refunds).
 */
export function containedTaxFen(amountFen: number, taxRateBp: number): number {
  assertSafeInteger(amountFen, 'amountFen');
  if (!Number.isInteger(taxRateBp) || taxRateBp < 0 || taxRateBp > BASIS_POINTS) {
    throw new BillingRuleError('INVALID_TAX_RATE', `taxRateBp must be an integer 0..10000, got ${String(taxRateBp)}`);
  }
  const rate = BigInt(taxRateBp);
  // Why round the magnitude: a credit note must carry exactly the negated tax of the invoice it
  // reverses, so -x rounds to -(tax of x) rather than toward +infinity.
  const tax = Number(roundHalfUp(BigInt(Math.abs(amountFen)) * rate, BigInt(BASIS_POINTS) + rate));
  return amountFen < 0 ? -tax : tax;
}
