import { BillingRuleError } from './billing-rule-error';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Asserts `value` is an integer JS number within ±(2^53 − 1); sign is not checked. */
export function assertSafeInteger(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new BillingRuleError('NOT_AN_INTEGER', `${name} must be an integer, got ${String(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new BillingRuleError('UNSAFE_INTEGER', `${name} exceeds the safe integer range: ${value}`);
  }
}

/** Asserts `value` is a non-negative safe integer (tokens, credits, fen, rates). */
export function assertCount(value: number, name: string): void {
  assertSafeInteger(value, name);
  if (value < 0) {
    throw new BillingRuleError('NEGATIVE_VALUE', `${name} must not be negative, got ${value}`);
  }
}

/** Asserts `value` is null or a non-negative safe integer. */
export function assertOptionalCount(value: number | null, name: string): void {
  if (value !== null) assertCount(value, name);
}

/**
 * Converts a BigInt result back to a JS number.
 * Why: above 2^53 a number silently loses units of money, so refuse instead of rounding.
 */
export function toSafeNumber(value: bigint, name: string): number {
  if (value > MAX_SAFE || value < -MAX_SAFE) {
    throw new BillingRuleError('RESULT_OVERFLOW', `${name} exceeds Number.MAX_SAFE_INTEGER: ${value}`);
  }
  return Number(value);
}

/** Asserts `value` is a Date holding a real instant (not Invalid Date). */
export function assertValidDate(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new BillingRuleError('INVALID_DATE', `${name} must be a valid Date`);
  }
}
