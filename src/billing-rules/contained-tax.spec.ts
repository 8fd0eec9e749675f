import fc from 'fast-check';
import { containedTaxFen } from './contained-tax';

const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991

describe('containedTaxFen', () => {
  it.each([
    [10_600, 600, 600], // 10600 × 600 / 10600 = 600
    [10_000, 600, 566], // 6,000,000 / 10600 = 566.04 -> 566
    [1_060, 600, 60], // 636,000 / 10600 = 60
    [9_900, 1_300, 1_139], // 12,870,000 / 11300 = 1138.94 -> 1139
    [11_300, 1_300, 1_300], // 14,690,000 / 11300 = 1300
    [100, 600, 6], // 60,000 / 10600 = 5.66 -> 6
    [1, 10_000, 1], // 10,000 / 20,000 = 0.5 -> 1 (half up)
    [3, 10_000, 2], // 30,000 / 20,000 = 1.5 -> 2
    [2, 10_000, 1], // 20,000 / 20,000 = 1
    [10_000, 0, 0], // untaxed
    [0, 600, 0],
    [1, 600, 0], // 600 / 10600 = 0.057 -> 0
  ])('%p fen at %p bp contains %p fen', (amount, bp, expected) => {
    expect(containedTaxFen(amount, bp)).toBe(expected);
  });

  it.each([
    [-10_000, 600, -566], // -(6,000,000 / 10600 = 566.04 -> 566)
    [-9_900, 1_300, -1_139], // -(1138.94 -> 1139)
    [-1, 10_000, -1], // -(0.5 -> 1): the magnitude rounds half up
    [-3, 10_000, -2], // -(1.5 -> 2)
  ])('keeps the sign of a credit: %p fen at %p bp -> %p', (amount, bp, expected) => {
    expect(containedTaxFen(amount, bp)).toBe(expected);
  });

  it('returns +0 for a zero amount, never -0', () => {
    expect(Object.is(containedTaxFen(0, 600), 0)).toBe(true);
    expect(Object.is(containedTaxFen(-0, 600), 0)).toBe(true);
  });

  it('is exact for amounts near 2^53 (BigInt)', () => {
    // 9007199254740991 × 600 = 5404319552844594600; / 10600 = 509841467249490 rem 600 -> 509841467249490
    expect(containedTaxFen(MAX, 600)).toBe(509_841_467_249_490);
    expect(containedTaxFen(-MAX, 600)).toBe(-509_841_467_249_490);
    // MAX × 10000 / 20000 = 4503599627370495.5 -> 4503599627370496
    expect(containedTaxFen(MAX, 10_000)).toBe(4_503_599_627_370_496);
  });

  it.each([
    [100, -1, 'INVALID_TAX_RATE'],
    [100, 10_001, 'INVALID_TAX_RATE'],
    [100, 6.5, 'INVALID_TAX_RATE'],
    [100, Number.NaN, 'INVALID_TAX_RATE'],
    [1.5, 600, 'NOT_AN_INTEGER'],
    [2 ** 53, 600, 'UNSAFE_INTEGER'],
    [-(2 ** 53), 600, 'UNSAFE_INTEGER'],
  ])('rejects (%p, %p) with %s', (amount, bp, code) => {
    expect(() => containedTaxFen(amount, bp)).toThrow(expect.objectContaining({ code }));
  });
});

describe('containedTaxFen properties', () => {
  const amount = fc.integer({ min: -MAX, max: MAX });
  const bp = fc.integer({ min: 0, max: 10_000 });

  it('containedTax(-x) === -containedTax(x)', () => {
    fc.assert(
      fc.property(amount, bp, (x, r) => {
        expect(containedTaxFen(-x, r) + containedTaxFen(x, r)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('lies between 0 and the amount, with the amount sign, and matches a BigInt reference', () => {
    fc.assert(
      fc.property(amount, bp, (x, r) => {
        const tax = containedTaxFen(x, r);
        const magnitude = BigInt(Math.abs(x));
        const reference = (2n * magnitude * BigInt(r) + BigInt(10_000 + r)) / (2n * BigInt(10_000 + r));
        expect(Math.abs(tax)).toBe(Number(reference));
        expect(Math.abs(tax)).toBeLessThanOrEqual(Math.abs(x));
        expect(tax === 0 || Math.sign(tax) === Math.sign(x)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
