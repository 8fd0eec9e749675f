import fc from 'fast-check';
import { BillingRuleError } from './billing-rule-error';
import { roundHalfUp } from './round-half-up';

describe('roundHalfUp', () => {
  it.each([
    [0n, 1n, 0n], // 0
    [4n, 10n, 0n], // 0.4 -> 0
    [5n, 10n, 1n], // 0.5 -> 1 (half up)
    [14n, 10n, 1n], // 1.4 -> 1
    [15n, 10n, 2n], // 1.5 -> 2
    [25n, 10n, 3n], // 2.5 -> 3 (not banker's 2)
    [35n, 10n, 4n], // 3.5 -> 4
    [1n, 3n, 0n], // 0.333 -> 0
    [2n, 3n, 1n], // 0.667 -> 1
    [7n, 2n, 4n], // 3.5 -> 4
    [10n, 5n, 2n], // exactly 2
    [499_999n, 1_000_000n, 0n], // 0.499999 -> 0
    [500_000n, 1_000_000n, 1n], // 0.5 -> 1
    [7n, 1n, 7n], // denominator 1 is identity
  ])('%p / %p -> %p', (numerator, denominator, expected) => {
    expect(roundHalfUp(numerator, denominator)).toBe(expected);
  });

  it('is exact beyond 2^53', () => {
    // (2^54 + 1) / 2 = 9007199254740992.5 -> 9007199254740993, not representable as a double
    expect(roundHalfUp(18014398509481985n, 2n)).toBe(9007199254740993n);
    // (10^30 + 5·10^11) / 10^12 = 10^18 + 0.5 -> 10^18 + 1
    expect(roundHalfUp(10n ** 30n + 5n * 10n ** 11n, 10n ** 12n)).toBe(10n ** 18n + 1n);
  });

  it.each([
    [-1n, 1n, 'NEGATIVE_VALUE'],
    [1n, 0n, 'INVALID_DENOMINATOR'],
    [1n, -2n, 'INVALID_DENOMINATOR'],
  ])('rejects %p / %p with %s', (numerator, denominator, code) => {
    expect(() => roundHalfUp(numerator, denominator)).toThrow(BillingRuleError);
    expect(() => roundHalfUp(numerator, denominator)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects number operands', () => {
    expect(() => roundHalfUp(1 as unknown as bigint, 2n)).toThrow(expect.objectContaining({ code: 'NOT_AN_INTEGER' }));
  });

  it('agrees with the reference (2n*num + den) / (2n*den)', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 2n ** 120n), fc.bigInt(1n, 2n ** 70n), (numerator, denominator) => {
        expect(roundHalfUp(numerator, denominator)).toBe((2n * numerator + denominator) / (2n * denominator));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the reference on small operands, where halves are frequent', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 1000n), fc.bigInt(1n, 20n), (numerator, denominator) => {
        expect(roundHalfUp(numerator, denominator)).toBe((2n * numerator + denominator) / (2n * denominator));
      }),
      { numRuns: 2000 },
    );
  });
});
