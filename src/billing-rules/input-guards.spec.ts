import { BillingRuleError } from './billing-rule-error';
import { assertCount, assertOptionalCount, assertSafeInteger, assertValidDate, toSafeNumber } from './input-guards';

const MAX = Number.MAX_SAFE_INTEGER; // 2^53 − 1 = 9007199254740991

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof BillingRuleError) return error.code;
    throw error;
  }
  throw new Error('expected a BillingRuleError');
}

describe('assertCount', () => {
  it.each([0, 1, 42, MAX])('accepts %p', (value) => {
    expect(() => assertCount(value, 'x')).not.toThrow();
  });

  it.each([
    [-1, 'NEGATIVE_VALUE'],
    [-MAX, 'NEGATIVE_VALUE'],
    [1.5, 'NOT_AN_INTEGER'],
    [Number.NaN, 'NOT_AN_INTEGER'],
    [Number.POSITIVE_INFINITY, 'NOT_AN_INTEGER'],
    [MAX + 1, 'UNSAFE_INTEGER'],
    [2 ** 60, 'UNSAFE_INTEGER'],
    ['5' as unknown as number, 'NOT_AN_INTEGER'],
  ])('rejects %p with %s', (value, code) => {
    expect(codeOf(() => assertCount(value, 'x'))).toBe(code);
  });

  it('names the offending input in the message', () => {
    expect(() => assertCount(-3, 'inputTokens')).toThrow('inputTokens must not be negative, got -3');
  });
});

describe('assertSafeInteger', () => {
  it('accepts negative safe integers', () => {
    expect(() => assertSafeInteger(-MAX, 'amountFen')).not.toThrow();
  });
  it('rejects unsafe negative integers', () => {
    expect(codeOf(() => assertSafeInteger(-(2 ** 53), 'amountFen'))).toBe('UNSAFE_INTEGER');
  });
});

describe('assertOptionalCount', () => {
  it('accepts null and counts, rejects negatives', () => {
    expect(() => assertOptionalCount(null, 'cap')).not.toThrow();
    expect(() => assertOptionalCount(0, 'cap')).not.toThrow();
    expect(codeOf(() => assertOptionalCount(-1, 'cap'))).toBe('NEGATIVE_VALUE');
  });
});

describe('toSafeNumber', () => {
  it('converts values up to ±MAX_SAFE_INTEGER exactly', () => {
    expect(toSafeNumber(9007199254740991n, 'x')).toBe(MAX);
    expect(toSafeNumber(-9007199254740991n, 'x')).toBe(-MAX);
    expect(toSafeNumber(0n, 'x')).toBe(0);
  });
  it('refuses 2^53 and beyond with RESULT_OVERFLOW', () => {
    expect(codeOf(() => toSafeNumber(9007199254740992n, 'x'))).toBe('RESULT_OVERFLOW');
    expect(codeOf(() => toSafeNumber(-9007199254740992n, 'x'))).toBe('RESULT_OVERFLOW');
  });
});

describe('assertValidDate', () => {
  it('accepts a real Date and rejects Invalid Date or non-dates', () => {
    expect(() => assertValidDate(new Date('2026-01-01T00:00:00Z'), 'at')).not.toThrow();
    expect(codeOf(() => assertValidDate(new Date('nope'), 'at'))).toBe('INVALID_DATE');
    expect(codeOf(() => assertValidDate('2026-01-01' as unknown as Date, 'at'))).toBe('INVALID_DATE');
  });
});
