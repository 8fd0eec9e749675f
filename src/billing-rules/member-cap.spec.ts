import fc from 'fast-check';
import { memberCapReached } from './member-cap';

const MAX = Number.MAX_SAFE_INTEGER;

describe('memberCapReached', () => {
  it.each([
    [90, 10, 100, true], // 90 + 10 = 100 >= 100
    [89, 10, 100, false], // 99 < 100
    [100, 0, 100, true],
    [0, 100, 100, true], // held credits count
    [150, 0, 100, true],
    [0, 0, 0, true], // a zero cap blocks everything
    [0, 0, 1, false],
    [10 ** 12, 10 ** 12, null, false], // no cap
    [MAX, MAX, null, false],
    [MAX, MAX, MAX, true], // sum 2^54 − 2, beyond 2^53
    [MAX - 1, 0, MAX, false],
    [MAX - 1, 1, MAX, true],
  ])('used %p + held %p vs cap %p -> %p', (used, held, cap, expected) => {
    expect(memberCapReached(used, held, cap)).toBe(expected);
  });

  it('rejects invalid inputs', () => {
    expect(() => memberCapReached(-1, 0, 10)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => memberCapReached(0, -1, 10)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => memberCapReached(0, 0, -10)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => memberCapReached(0.5, 0, 10)).toThrow(expect.objectContaining({ code: 'NOT_AN_INTEGER' }));
  });

  it('matches used + held >= cap', () => {
    const n = fc.integer({ min: 0, max: MAX });
    fc.assert(
      fc.property(n, n, n, (used, held, cap) => {
        expect(memberCapReached(used, held, cap)).toBe(BigInt(used) + BigInt(held) >= BigInt(cap));
        expect(memberCapReached(used, held, null)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
