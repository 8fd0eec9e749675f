import fc from 'fast-check';
import { rolloverCredits } from './rollover';

const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991

describe('rolloverCredits', () => {
  it.each([
    [1_000, 50, 10_000, 500], // 1000 × 50 / 100 = 500
    [1_001, 50, 1_000_000, 500], // 500.5 -> 500 (floor)
    [999, 33, 1_000_000, 329], // 32,967 / 100 = 329.67 -> 329
    [1_000, 50, 300, 300], // 500 capped at 300
    [1_000, 0, 300, 0], // no rollover
    [1_000, 100, 1_000_000, 1_000], // everything
    [0, 100, 10, 0],
    [1_000, 100, 0, 0], // zero maximum
  ])('(%p unused, %p%%, max %p) -> %p', (unused, percent, max, expected) => {
    expect(rolloverCredits(unused, percent, max)).toBe(expected);
  });

  it('is exact near 2^53 (BigInt)', () => {
    // MAX × 99 = 891712726219358109; / 100 = 8917127262193581.09 -> 8917127262193581
    expect(rolloverCredits(MAX, 99, MAX)).toBe(8_917_127_262_193_581);
    // MAX × 100 / 100 = MAX
    expect(rolloverCredits(MAX, 100, MAX)).toBe(MAX);
    // MAX × 50 / 100 = 4503599627370495.5 -> 4503599627370495
    expect(rolloverCredits(MAX, 50, MAX)).toBe(4_503_599_627_370_495);
  });

  it.each([
    [1_000, 101, 10, 'INVALID_PERCENT'],
    [1_000, -1, 10, 'INVALID_PERCENT'],
    [1_000, 50.5, 10, 'INVALID_PERCENT'],
    [-1, 50, 10, 'NEGATIVE_VALUE'],
    [1_000, 50, -1, 'NEGATIVE_VALUE'],
    [1.5, 50, 10, 'NOT_AN_INTEGER'],
  ])('rejects (%p, %p, %p) with %s', (unused, percent, max, code) => {
    expect(() => rolloverCredits(unused, percent, max)).toThrow(expect.objectContaining({ code }));
  });

  it('stays within [0, min(unused, max)] and grows with the percentage', () => {
    const amount = fc.integer({ min: 0, max: MAX });
    const percent = fc.integer({ min: 0, max: 100 });
    fc.assert(
      fc.property(amount, percent, percent, amount, (unused, p1, p2, max) => {
        const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const carried = rolloverCredits(unused, lo, max);
        expect(carried).toBeGreaterThanOrEqual(0);
        expect(carried).toBeLessThanOrEqual(Math.min(unused, max));
        expect(rolloverCredits(unused, hi, max)).toBeGreaterThanOrEqual(carried);
        expect(carried).toBe(Math.min(Number((BigInt(unused) * BigInt(lo)) / 100n), max));
      }),
      { numRuns: 1000 },
    );
  });
});
