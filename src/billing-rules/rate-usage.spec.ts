import fc from 'fast-check';
import { type Bucket, type BucketKind } from './consumption-order';
import { type OverageTerms } from './overage';
import { rateUsage, type RateUsageInput } from './rate-usage';

const T = (iso: string): Date => new Date(iso);
const AT = T('2026-03-15T00:00:00Z');
const MAX = Number.MAX_SAFE_INTEGER;

function bucket(id: string, kind: BucketKind, remainingCredits: number, expiresAt: string, createdOrder: number): Bucket {
  return { id, kind, remainingCredits, validFrom: T('2026-03-01T00:00:00Z'), expiresAt: T(expiresAt), createdOrder };
}

const wallet = (): Bucket[] => [bucket('plan', 'plan', 1_000, '2026-04-01T00:00:00Z', 2), bucket('rollover', 'rollover', 100, '2026-04-01T00:00:00Z', 1)];
const payg = (capFen: number | null): OverageTerms => ({ mode: 'payg', ratePerMillionFen: 350, capFen });
const block: OverageTerms = { mode: 'block', ratePerMillionFen: 350, capFen: null };

function input(patch: Partial<RateUsageInput>): RateUsageInput {
  return { credits: 0, buckets: wallet(), at: AT, overage: payg(null), overageCreditsSoFar: 0, billable: true, ...patch };
}

describe('rateUsage', () => {
  it('draws from buckets when they cover the event', () => {
    expect(rateUsage(input({ credits: 500 }))).toEqual({
      draws: [
        { bucketId: 'rollover', credits: 100 },
        { bucketId: 'plan', credits: 400 },
      ], // 100 + 400 = 500
      overageCredits: 0,
      unbilledCredits: 0,
    });
  });

  it('bills the rest as payg overage', () => {
    // 1500 − (100 + 1000) = 400 overage
    expect(rateUsage(input({ credits: 1_500 }))).toEqual({
      draws: [
        { bucketId: 'rollover', credits: 100 },
        { bucketId: 'plan', credits: 1_000 },
      ],
      overageCredits: 400,
      unbilledCredits: 0,
    });
  });

  it('leaves the rest unbilled on a block plan', () => {
    expect(rateUsage(input({ credits: 1_500, overage: block }))).toMatchObject({ overageCredits: 0, unbilledCredits: 400 });
  });

  it('splits the rest at the payg cap', () => {
    // cap 5000 fen at 350 fen/M = 14,285,714 credits; so far 14,285,600 -> room 114; 400 − 114 = 286 unbilled
    expect(rateUsage(input({ credits: 1_500, overage: payg(5_000), overageCreditsSoFar: 14_285_600 }))).toMatchObject({
      overageCredits: 114,
      unbilledCredits: 286,
    });
  });

  it('records everything as unbilled and draws nothing when not billable', () => {
    expect(rateUsage(input({ credits: 700, billable: false }))).toEqual({
      draws: [],
      overageCredits: 0,
      unbilledCredits: 700,
    });
  });

  it('rates zero credits as nothing', () => {
    expect(rateUsage(input({ credits: 0 }))).toEqual({ draws: [], overageCredits: 0, unbilledCredits: 0 });
  });

  it('handles credits at Number.MAX_SAFE_INTEGER', () => {
    const buckets = [bucket('big', 'plan', MAX - 1, '2026-04-01T00:00:00Z', 1)];
    // MAX = (MAX − 1) drawn + 1 overage
    expect(rateUsage(input({ credits: MAX, buckets }))).toEqual({
      draws: [{ bucketId: 'big', credits: MAX - 1 }],
      overageCredits: 1,
      unbilledCredits: 0,
    });
  });

  it('rejects invalid inputs', () => {
    expect(() => rateUsage(input({ credits: -1 }))).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
    expect(() => rateUsage(input({ credits: 1.5 }))).toThrow(expect.objectContaining({ code: 'NOT_AN_INTEGER' }));
    expect(() => rateUsage(input({ credits: 1, at: new Date('x') }))).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
    expect(() => rateUsage(input({ credits: 1, overageCreditsSoFar: -1 }))).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
  });
});

describe('rateUsage properties', () => {
  const expiries = ['2026-03-10T00:00:00Z', '2026-04-01T00:00:00Z', '2026-12-31T00:00:00Z'];
  const buckets = fc.uniqueArray(fc.integer({ min: 0, max: 1_000 }), { maxLength: 8 }).chain((orders) =>
    fc.tuple(
      ...orders.map((order) =>
        fc
          .record({
            kind: fc.constantFrom<BucketKind>('rollover', 'plan', 'topup'),
            remaining: fc.integer({ min: 0, max: 5_000 }),
            expiry: fc.constantFrom(...expiries),
          })
          .map(({ kind, remaining, expiry }) => bucket(`b${order}`, kind, remaining, expiry, order)),
      ),
    ),
  );
  const terms = fc.record({
    mode: fc.constantFrom<'block' | 'payg'>('block', 'payg'),
    ratePerMillionFen: fc.integer({ min: 0, max: 100_000 }),
    capFen: fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: null }),
  });

  it('conserves credits: sum(draws) + overage + unbilled === credits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000 }),
        buckets,
        terms,
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.boolean(),
        (credits, wallet, overage, overageCreditsSoFar, billable) => {
          const rated = rateUsage({ credits, buckets: wallet, at: AT, overage, overageCreditsSoFar, billable });
          const drawn = rated.draws.reduce((sum, d) => sum + d.credits, 0);
          expect(drawn + rated.overageCredits + rated.unbilledCredits).toBe(credits);
          expect(Math.min(rated.overageCredits, rated.unbilledCredits)).toBeGreaterThanOrEqual(0);
          if (!billable) expect(rated.draws).toEqual([]);
          if (overage.mode === 'block') expect(rated.overageCredits).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
