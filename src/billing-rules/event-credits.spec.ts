import fc from 'fast-check';
import { eventCredits } from './event-credits';

const W1 = 10_000; // weight "1"
const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991

describe('eventCredits', () => {
  it('weights the input and output tokens and rounds the sum up', () => {
    // 1000 × 0.1234 + 500 × 2 = 123.4 + 1000 = 1123.4 -> 1124
    expect(eventCredits(1000, 500, 1234, 20000)).toBe(1124);
  });

  it('does not round when the weighted sum is whole', () => {
    // 100 × 1.5 + 100 × 2.5 = 150 + 250 = 400
    expect(eventCredits(100, 100, 15000, 25000)).toBe(400);
    // 10000 × 0.0001 = 1 exactly (not 2)
    expect(eventCredits(10000, 0, 1, 1)).toBe(1);
  });

  it('charges any fraction of a credit as a whole credit', () => {
    // 1 × 0.0001 = 0.0001 -> 1
    expect(eventCredits(1, 0, 1, 1)).toBe(1);
    // 3 × 0.3333 = 0.9999 -> 1
    expect(eventCredits(3, 0, 3333, 1)).toBe(1);
    // 10001 × 0.0001 = 1.0001 -> 2
    expect(eventCredits(10001, 0, 1, 1)).toBe(2);
  });

  it('takes the ceiling of the sum, not the sum of ceilings', () => {
    // 1 × 0.5 + 1 × 0.5 = 1 (ceil each side separately would give 2)
    expect(eventCredits(1, 1, 5000, 5000)).toBe(1);
    // 1 × 0.3 + 1 × 0.3 = 0.6 -> 1
    expect(eventCredits(1, 1, 3000, 3000)).toBe(1);
  });

  it('is zero for zero tokens', () => {
    expect(eventCredits(0, 0, 1234, 20000)).toBe(0);
  });

  it('uses the output weight for output tokens only', () => {
    // 0 × 1 + 7 × 2 = 14
    expect(eventCredits(0, 7, W1, 20000)).toBe(14);
    // 7 × 2 + 0 × 1 = 14
    expect(eventCredits(7, 0, 20000, W1)).toBe(14);
  });

  it('is exact where a float product would lose the deciding unit (BigInt)', () => {
    // 900719925474 × 2 = 1801439850948 exactly, plus 1 × 0.0001 -> 1801439850948.0001 -> 1801439850949.
    // Scaled: 900719925474 × 20000 + 1 × 1 = 18014398509480001 > 2^53, which a double rounds to
    // 18014398509480000 and would yield 1801439850948.
    expect(eventCredits(900719925474, 1, 20000, 1)).toBe(1801439850949);
  });

  it('reaches exactly Number.MAX_SAFE_INTEGER', () => {
    // 2^52 × 1 + (2^52 − 1) × 1 = 2^53 − 1
    expect(eventCredits(2 ** 52, 2 ** 52 - 1, W1, W1)).toBe(MAX);
    // MAX × 1 + 0 = MAX (scaled product MAX × 10^4 is far beyond 2^53)
    expect(eventCredits(MAX, 0, W1, W1)).toBe(MAX);
    // MAX × 0.0001 = 900719925474.0991 -> 900719925475
    expect(eventCredits(MAX, 0, 1, 1)).toBe(900719925475);
  });

  it('throws RESULT_OVERFLOW above Number.MAX_SAFE_INTEGER', () => {
    // MAX × 1 + 1 × 1 = 2^53
    expect(() => eventCredits(MAX, 1, W1, W1)).toThrow(expect.objectContaining({ code: 'RESULT_OVERFLOW' }));
    // MAX × 2 > MAX
    expect(() => eventCredits(MAX, 0, 20000, W1)).toThrow(expect.objectContaining({ code: 'RESULT_OVERFLOW' }));
  });

  it.each([
    [-1, 0, W1, W1, 'NEGATIVE_VALUE'],
    [0, -1, W1, W1, 'NEGATIVE_VALUE'],
    [1.5, 0, W1, W1, 'NOT_AN_INTEGER'],
    [0, Number.NaN, W1, W1, 'NOT_AN_INTEGER'],
    [2 ** 53, 0, W1, W1, 'UNSAFE_INTEGER'],
    [1, 1, 0, W1, 'INVALID_WEIGHT'],
    [1, 1, W1, -5, 'INVALID_WEIGHT'],
    [1, 1, 1.5, W1, 'INVALID_WEIGHT'],
    [1, 1, W1, 10_000_000_000_000, 'INVALID_WEIGHT'],
  ])('rejects (%p, %p, %p, %p) with %s', (input, output, wIn, wOut, code) => {
    expect(() => eventCredits(input, output, wIn, wOut)).toThrow(expect.objectContaining({ code }));
  });
});

describe('eventCredits properties', () => {
  const tokens = fc.integer({ min: 0, max: 2 ** 40 });
  const weight = fc.integer({ min: 1, max: 2_000_000 }); // up to weight 200

  it('is never negative and never below the exact weighted sum', () => {
    fc.assert(
      fc.property(tokens, tokens, weight, weight, (i, o, wi, wo) => {
        const credits = eventCredits(i, o, wi, wo);
        const scaled = BigInt(i) * BigInt(wi) + BigInt(o) * BigInt(wo);
        expect(credits).toBeGreaterThanOrEqual(0);
        expect(BigInt(credits) * 10_000n).toBeGreaterThanOrEqual(scaled);
        expect((BigInt(credits) - 1n) * 10_000n).toBeLessThan(scaled === 0n ? 1n : scaled);
      }),
      { numRuns: 1000 },
    );
  });

  it('is monotone in input and output tokens', () => {
    fc.assert(
      fc.property(tokens, tokens, tokens, tokens, weight, weight, (i, o, di, dOut, wi, wo) => {
        expect(eventCredits(i + di, o + dOut, wi, wo)).toBeGreaterThanOrEqual(eventCredits(i, o, wi, wo));
      }),
      { numRuns: 1000 },
    );
  });

  it('with weights 1 and 1 equals input + output tokens, up to the safe limit', () => {
    const half = fc.integer({ min: 0, max: Math.floor(MAX / 2) });
    fc.assert(
      fc.property(half, half, (i, o) => eventCredits(i, o, W1, W1) === i + o),
      { numRuns: 1000 },
    );
  });
});
