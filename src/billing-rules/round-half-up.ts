import { BillingRuleError } from './billing-rule-error';

/**
 * Rounds the non-negative rational numerator / denominator to the nearest integer, halves upward
 * (2.5 -> 3, never banker's rounding). Exact for any size: the whole computation stays in BigInt.
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (typeof numerator !== 'bigint' || typeof denominator !== 'bigint') {
    throw new BillingRuleError('NOT_AN_INTEGER', 'roundHalfUp takes bigint operands');
  }
  if (numerator < 0n) {
    throw new BillingRuleError('NEGATIVE_VALUE', `numerator must not be negative, got ${numerator}`);
  }
  if (denominator <= 0n) {
    throw new BillingRuleError('INVALID_DENOMINATOR', `denominator must be positive, got ${denominator}`);
  }
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  return 2n * remainder >= denominator ? quotient + 1n : quotient;
}
