import fc from 'fast-check';
import { overageCapCredits, overageChargeFen, splitUncovered, type OverageTerms } from './overage';

const MAX = Number.MAX_SAFE_INTEGER;
const payg = (ratePerMillionFen: number, capFen: number | null): OverageTerms => ({
  mode: 'payg',
  ratePerMillionFen,
  capFen,
});
const block: OverageTerms = { mode: 'block', ratePerMillionFen: 350, capFen: 5_000 };

describe('overageCapCredits', () => {
  it.each([
    [5_000, 350, 14_285_714], // 5000 × 10^6 / 350 = 14,285,714.29 -> 14,285,714
    [1, 3, 333_333], // 10^6 / 3 = 333,333.33 -> 333,333
    [7, 7, 1_000_000], // 7 × 10^6 / 7 = 10^6
    [0, 350, 0], // zero cap: no overage at all
    [null, 350, null], // no cap
    [5_000, 0, null], // free overage never reaches a money cap
    [null, 0, null],
  ])('cap %p fen at %p fen/M -> %p credits', (capFen, rate, expected) => {
    expect(overageCapCredits(capFen, rate)).toBe(expected);
  });

  it('is exact beyond 2^53 and refuses results above MAX_SAFE_INTEGER', () => {
    // MAX × 10^6 / 10^6 = MAX
    expect(overageCapCredits(MAX, 1_000_000)).toBe(MAX);
    // 9,007,199,254 × 10^6 / 1 = 9,007,199,254,000,000 <= MAX
    expect(overageCapCredits(9_007_199_254, 1)).toBe(9_007_199_254_000_000);
    // 9,007,199,255 × 10^6 > MAX
    expect(() => overageCapCredits(9_007_199_255, 1)).toThrow(expect.objectContaining({ code: 'RESULT_OVERFLOW' }));
  });

  it('rejects invalid inputs', () => {
    expect(() => overageCapCredits(-1, 350)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => overageCapCredits(100, -350)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => overageCapCredits(100, 3.5)).toThrow(expect.objectContaining({ code: 'NOT_AN_INTEGER' }));
  });
});

describe('splitUncovered', () => {
  it('block plans bill nothing: everything is unbilled', () => {
    expect(splitUncovered(300, block, 0)).toEqual({ overageCredits: 0, unbilledCredits: 300 });
  });

  it('payg without a cap bills everything', () => {
    expect(splitUncovered(300, payg(350, null), 1_000_000_000)).toEqual({ overageCredits: 300, unbilledCredits: 0 });
  });

  it('payg bills up to the room left under the cap', () => {
    // cap 5000 fen at 350 fen/M -> 14,285,714 credits; room = 14,285,714 − 14,000,000 = 285,714
    expect(splitUncovered(300_000, payg(350, 5_000), 14_000_000)).toEqual({
      overageCredits: 285_714,
      unbilledCredits: 14_286, // 300,000 − 285,714
    });
    expect(splitUncovered(285_714, payg(350, 5_000), 14_000_000)).toEqual({ overageCredits: 285_714, unbilledCredits: 0 });
    expect(splitUncovered(285_715, payg(350, 5_000), 14_000_000)).toEqual({ overageCredits: 285_714, unbilledCredits: 1 });
  });

  it('payg past the cap leaves everything unbilled (room never negative)', () => {
    expect(splitUncovered(300_000, payg(350, 5_000), 14_285_714)).toEqual({ overageCredits: 0, unbilledCredits: 300_000 });
    expect(splitUncovered(300_000, payg(350, 5_000), 15_000_000)).toEqual({ overageCredits: 0, unbilledCredits: 300_000 });
  });

  it('payg at rate 0 has no credit limit even with a cap', () => {
    expect(splitUncovered(300, payg(0, 100), 10 ** 12)).toEqual({ overageCredits: 300, unbilledCredits: 0 });
  });

  it('payg with a zero cap bills nothing', () => {
    expect(splitUncovered(300, payg(350, 0), 0)).toEqual({ overageCredits: 0, unbilledCredits: 300 });
  });

  it('nothing uncovered splits into nothing', () => {
    expect(splitUncovered(0, payg(350, 5_000), 0)).toEqual({ overageCredits: 0, unbilledCredits: 0 });
    expect(splitUncovered(0, block, 0)).toEqual({ overageCredits: 0, unbilledCredits: 0 });
  });

  it('rejects invalid inputs', () => {
    const bogus = { mode: 'free', ratePerMillionFen: 0, capFen: null } as unknown as OverageTerms;
    expect(() => splitUncovered(1, bogus, 0)).toThrow(expect.objectContaining({ code: 'INVALID_OVERAGE_TERMS' }));
    expect(() => splitUncovered(1, null as unknown as OverageTerms, 0)).toThrow(expect.objectContaining({ code: 'INVALID_OVERAGE_TERMS' }));
    expect(() => splitUncovered(-1, block, 0)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => splitUncovered(1, block, -1)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => splitUncovered(1, payg(-1, null), 0)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => splitUncovered(1, payg(1, -1), 0)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
  });
});

describe('overageChargeFen', () => {
  it.each([
    [1_000_000, 350, null, 350], // 10^6 × 350 / 10^6 = 350
    [1_500_000, 1, null, 2], // 1.5 -> 2
    [1_000, 350, 5_000, 0], // 0.35 -> 0
    [14_285_714, 350, 5_000, 5_000], // 4,999,999,900 / 10^6 = 4999.9999 -> 5000 = cap
    [20_000_000, 350, 5_000, 5_000], // 7000 capped at 5000
    [10_000_000, 350, 5_000, 3_500], // 3500 under the cap
    [10_000_000, 0, 100, 0], // free overage
    [10_000_000, 350, 0, 0], // zero cap
  ])('%p credits at %p fen/M with cap %p -> %p fen', (credits, rate, cap, expected) => {
    expect(overageChargeFen(credits, rate, cap)).toBe(expected);
  });

  it('is exact near 2^53', () => {
    expect(overageChargeFen(MAX, 1_000_000, null)).toBe(MAX); // MAX × 10^6 / 10^6
    expect(overageChargeFen(MAX, 1_000_000, 100)).toBe(100);
  });

  it('rejects invalid inputs', () => {
    expect(() => overageChargeFen(-1, 350, null)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => overageChargeFen(1, 350, -5)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => overageChargeFen(1, 350, 0.5)).toThrow(expect.objectContaining({ code: 'NOT_AN_INTEGER' }));
  });
});

describe('overage properties', () => {
  const rate = fc.integer({ min: 1, max: 100_000 });
  const cap = fc.integer({ min: 0, max: 1_000_000_000 });
  const count = fc.integer({ min: 0, max: 2 ** 45 });

  it('billing all the credits the cap allows never charges more than the cap, even before min()', () => {
    fc.assert(
      fc.property(cap, rate, (capFen, r) => {
        const capCredits = overageCapCredits(capFen, r)!;
        expect(overageChargeFen(capCredits, r, null)).toBeLessThanOrEqual(capFen);
      }),
      { numRuns: 1000 },
    );
  });

  it('splitUncovered conserves credits and keeps the cycle within its cap', () => {
    fc.assert(
      fc.property(count, fc.option(cap, { nil: null }), rate, count, (uncovered, capFen, r, soFar) => {
        const { overageCredits, unbilledCredits } = splitUncovered(uncovered, payg(r, capFen), soFar);
        expect(overageCredits + unbilledCredits).toBe(uncovered);
        expect(Math.min(overageCredits, unbilledCredits)).toBeGreaterThanOrEqual(0);
        const capCredits = overageCapCredits(capFen, r);
        if (capCredits !== null && soFar <= capCredits) expect(soFar + overageCredits).toBeLessThanOrEqual(capCredits);
        if (capCredits !== null && soFar >= capCredits) expect(overageCredits).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});
