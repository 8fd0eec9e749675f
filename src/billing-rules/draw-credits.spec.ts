import fc from 'fast-check';
import { type Bucket, type BucketKind } from './consumption-order';
import { drawCredits } from './draw-credits';

const T = (iso: string): Date => new Date(iso);
const AT = T('2026-03-15T00:00:00Z');
const MAX = Number.MAX_SAFE_INTEGER;

function bucket(id: string, kind: BucketKind, remainingCredits: number, expiresAt: string, createdOrder: number): Bucket {
  return { id, kind, remainingCredits, validFrom: T('2026-03-01T00:00:00Z'), expiresAt: T(expiresAt), createdOrder };
}

// rollover 100 and plan 1000 expire with the cycle; the top-up lasts until year end.
const wallet = (): Bucket[] => [
  bucket('topup', 'topup', 500, '2026-12-31T00:00:00Z', 1),
  bucket('plan', 'plan', 1_000, '2026-04-01T00:00:00Z', 3),
  bucket('rollover', 'rollover', 100, '2026-04-01T00:00:00Z', 2),
];

describe('drawCredits', () => {
  it.each([
    [50, [['rollover', 50]], 0],
    [100, [['rollover', 100]], 0],
    [
      600,
      [
        ['rollover', 100],
        ['plan', 500],
      ],
      0,
    ], // 100 + 500 = 600
    [
      1_100,
      [
        ['rollover', 100],
        ['plan', 1_000],
      ],
      0,
    ], // 100 + 1000
    [
      1_600,
      [
        ['rollover', 100],
        ['plan', 1_000],
        ['topup', 500],
      ],
      0,
    ], // 100 + 1000 + 500
    [
      2_000,
      [
        ['rollover', 100],
        ['plan', 1_000],
        ['topup', 500],
      ],
      400,
    ], // 2000 − 1600 = 400 uncovered
    [0, [], 0],
  ])('drawing %p credits takes %p, leaving %p uncovered', (credits, expected, uncovered) => {
    const draws = (expected as [string, number][]).map(([bucketId, n]) => ({ bucketId, credits: n }));
    expect(drawCredits(wallet(), credits, AT)).toEqual({ draws, uncovered });
  });

  it('leaves everything uncovered without usable buckets', () => {
    expect(drawCredits([], 42, AT)).toEqual({ draws: [], uncovered: 42 });
    const expired = bucket('old', 'plan', 1_000, '2026-03-01T00:00:00Z', 1);
    expect(drawCredits([expired], 42, AT)).toEqual({ draws: [], uncovered: 42 });
  });

  it('skips empty buckets instead of drawing zero from them', () => {
    const buckets = [bucket('empty', 'rollover', 0, '2026-04-01T00:00:00Z', 1), bucket('plan', 'plan', 10, '2026-04-01T00:00:00Z', 2)];
    expect(drawCredits(buckets, 5, AT)).toEqual({ draws: [{ bucketId: 'plan', credits: 5 }], uncovered: 0 });
  });

  it('does not mutate the buckets', () => {
    const buckets = wallet();
    const before = structuredClone(buckets);
    drawCredits(
      buckets.map((b) => Object.freeze(b)),
      2_000,
      AT,
    );
    expect(buckets).toEqual(before);
  });

  it('handles balances at Number.MAX_SAFE_INTEGER', () => {
    const big = [bucket('a', 'plan', MAX - 1, '2026-04-01T00:00:00Z', 1), bucket('b', 'topup', MAX, '2026-12-31T00:00:00Z', 2)];
    // MAX = (MAX − 1) + 1
    expect(drawCredits(big, MAX, AT)).toEqual({
      draws: [
        { bucketId: 'a', credits: MAX - 1 },
        { bucketId: 'b', credits: 1 },
      ],
      uncovered: 0,
    });
  });

  it('rejects invalid requests', () => {
    expect(() => drawCredits(wallet(), -1, AT)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => drawCredits(wallet(), 1.5, AT)).toThrow(expect.objectContaining({ code: 'NOT_AN_INTEGER' }));
    expect(() => drawCredits(wallet(), 1, new Date('x'))).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });
});

describe('drawCredits properties', () => {
  const expiries = ['2026-03-10T00:00:00Z', '2026-04-01T00:00:00Z', '2026-04-01T00:00:00Z', '2026-12-31T00:00:00Z'];
  const buckets = fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 10 }).chain((orders) =>
    fc.tuple(
      ...orders.map((order) =>
        fc
          .record({
            kind: fc.constantFrom<BucketKind>('rollover', 'plan', 'topup'),
            remaining: fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 2 ** 50 })),
            expiry: fc.constantFrom(...expiries),
          })
          .map(({ kind, remaining, expiry }) => bucket(`b${order}`, kind, remaining, expiry, order)),
      ),
    ),
  );
  const credits = fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 2 ** 52 }));

  it('draws + uncovered == requested, and no bucket goes below zero or is drawn twice', () => {
    fc.assert(
      fc.property(buckets, credits, (wallet, requested) => {
        const { draws, uncovered } = drawCredits(wallet, requested, AT);
        expect(draws.reduce((sum, d) => sum + d.credits, 0) + uncovered).toBe(requested);
        expect(uncovered).toBeGreaterThanOrEqual(0);
        expect(new Set(draws.map((d) => d.bucketId)).size).toBe(draws.length);
        for (const draw of draws) {
          const source = wallet.find((b) => b.id === draw.bucketId)!;
          expect(draw.credits).toBeGreaterThan(0);
          expect(source.remainingCredits - draw.credits).toBeGreaterThanOrEqual(0);
        }
        if (uncovered > 0) {
          const usable = wallet.filter((b) => b.validFrom <= AT && AT < b.expiresAt);
          expect(usable.reduce((sum, b) => sum + b.remainingCredits, 0)).toBe(requested - uncovered);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same draws for any order of the input buckets', () => {
    fc.assert(
      fc.property(
        buckets.chain((wallet) => fc.tuple(fc.constant(wallet), fc.shuffledSubarray(wallet, { minLength: wallet.length }))),
        credits,
        ([wallet, shuffled], requested) => {
          expect(drawCredits(shuffled, requested, AT)).toEqual(drawCredits(wallet, requested, AT));
        },
      ),
      { numRuns: 500 },
    );
  });
});
