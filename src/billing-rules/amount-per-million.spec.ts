import fc from 'fast-check';
import { amountPerMillion } from './amount-per-million';

const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991

describe('amountPerMillion', () => {
  it.each([
    [1_000_000, 350, 350], // 1,000,000 × 350 / 10^6 = 350
    [1_500_000, 350, 525], // 1,500,000 × 350 / 10^6 = 525
    [2_500_000, 1, 3], // 2.5 -> 3 (half up)
    [500_000, 1, 1], // 0.5 -> 1
    [499_999, 1, 0], // 0.499999 -> 0
    [1, 350, 0], // 0.00035 -> 0
    [1_429, 350, 1], // 1429 × 350 = 500,150 / 10^6 = 0.50015 -> 1
    [1_428, 350, 0], // 1428 × 350 = 499,800 / 10^6 = 0.4998 -> 0
    [0, 350, 0],
    [123_456_789, 0, 0], // free rate
    [123_456_789, 1_234, 152_346], // 152,345,677,626 / 10^6 = 152345.677626 -> 152346
  ])('%p units at %p fen/M -> %p fen', (units, rate, expected) => {
    expect(amountPerMillion(units, rate)).toBe(expected);
  });

  it('must be applied to aggregate units, not summed per event', () => {
    // Three events of 500,000 units at 1 fen/M: per event 0.5 -> 1 each, summed 3 fen (wrong);
    // aggregate 1,500,000 × 1 / 10^6 = 1.5 -> 2 fen (right).
    const perEvent = [500_000, 500_000, 500_000].reduce((sum, units) => sum + amountPerMillion(units, 1), 0);
    expect(perEvent).toBe(3);
    expect(amountPerMillion(1_500_000, 1)).toBe(2);
  });

  it('is exact for products far beyond 2^53 (BigInt)', () => {
    // MAX × 10^6 / 10^6 = MAX
    expect(amountPerMillion(MAX, 1_000_000)).toBe(MAX);
    // 9007199254740991 × 1000 / 10^6 = 9007199254740.991 -> 9007199254741
    expect(amountPerMillion(MAX, 1_000)).toBe(9_007_199_254_741);
    // 9007199254740990 × 999999 = 9007199254740990 × 10^6 − 9007199254740990
    //   = 9007190247541735259010; / 10^6 = 9007190247541735.259010 -> 9007190247541735
    // (a double computes 9007190247541736)
    expect(amountPerMillion(MAX - 1, 999_999)).toBe(9_007_190_247_541_735);
  });

  it('throws RESULT_OVERFLOW above Number.MAX_SAFE_INTEGER', () => {
    // MAX × 2,000,000 / 10^6 = 2 × MAX
    expect(() => amountPerMillion(MAX, 2_000_000)).toThrow(expect.objectContaining({ code: 'RESULT_OVERFLOW' }));
  });

  it.each([
    [-1, 1, 'NEGATIVE_VALUE'],
    [1, -1, 'NEGATIVE_VALUE'],
    [0.5, 1, 'NOT_AN_INTEGER'],
    [1, 2 ** 53, 'UNSAFE_INTEGER'],
  ])('rejects (%p, %p) with %s', (units, rate, code) => {
    expect(() => amountPerMillion(units, rate)).toThrow(expect.objectContaining({ code }));
  });

  it('agrees with a BigInt reference and is monotone in units', () => {
    const units = fc.integer({ min: 0, max: 2 ** 40 });
    const rate = fc.integer({ min: 0, max: 100_000 });
    fc.assert(
      fc.property(units, units, rate, (u, du, r) => {
        const reference = (2n * BigInt(u) * BigInt(r) + 1_000_000n) / 2_000_000n;
        expect(amountPerMillion(u, r)).toBe(Number(reference));
        expect(amountPerMillion(u + du, r)).toBeGreaterThanOrEqual(amountPerMillion(u, r));
      }),
      { numRuns: 1000 },
    );
  });
});
