import fc from 'fast-check';
import { consumptionOrder, isBucketUsable, type Bucket, type BucketKind } from './consumption-order';

const T = (iso: string): Date => new Date(iso);
const AT = T('2026-03-15T00:00:00Z');

function bucket(id: string, kind: BucketKind, remainingCredits: number, expiresAt: string, createdOrder: number): Bucket {
  return { id, kind, remainingCredits, validFrom: T('2026-03-01T00:00:00Z'), expiresAt: T(expiresAt), createdOrder };
}

const ids = (buckets: Bucket[]): string[] => buckets.map((b) => b.id);

describe('isBucketUsable', () => {
  const base = bucket('b', 'plan', 10, '2026-04-01T00:00:00Z', 1);

  it('is usable from validFrom (inclusive) to expiresAt (exclusive)', () => {
    expect(isBucketUsable({ ...base, validFrom: AT }, AT)).toBe(true);
    expect(isBucketUsable({ ...base, validFrom: new Date(AT.getTime() + 1) }, AT)).toBe(false);
    expect(isBucketUsable({ ...base, expiresAt: new Date(AT.getTime() + 1) }, AT)).toBe(true);
    expect(isBucketUsable({ ...base, expiresAt: AT }, AT)).toBe(false);
  });

  it('is not usable when empty', () => {
    expect(isBucketUsable({ ...base, remainingCredits: 0 }, AT)).toBe(false);
    expect(isBucketUsable({ ...base, remainingCredits: 1 }, AT)).toBe(true);
  });
});

describe('consumptionOrder', () => {
  it('drops buckets that are not usable at the instant', () => {
    const buckets = [
      bucket('live', 'plan', 10, '2026-04-01T00:00:00Z', 1),
      bucket('empty', 'plan', 0, '2026-04-01T00:00:00Z', 2),
      bucket('expired', 'topup', 10, '2026-03-15T00:00:00Z', 3),
      { ...bucket('future', 'topup', 10, '2026-05-01T00:00:00Z', 4), validFrom: T('2026-04-01T00:00:00Z') },
    ];
    expect(ids(consumptionOrder(buckets, AT))).toEqual(['live']);
  });

  it('uses the earliest expiry first whatever the kind', () => {
    const buckets = [
      bucket('plan-april', 'plan', 10, '2026-04-01T00:00:00Z', 1),
      bucket('topup-march', 'topup', 10, '2026-03-20T00:00:00Z', 2),
      bucket('rollover-may', 'rollover', 10, '2026-05-01T00:00:00Z', 3),
    ];
    expect(ids(consumptionOrder(buckets, AT))).toEqual(['topup-march', 'plan-april', 'rollover-may']);
  });

  it('on equal expiry takes rollover, then plan, then topup', () => {
    const buckets = [
      bucket('topup', 'topup', 10, '2026-04-01T00:00:00Z', 1),
      bucket('plan', 'plan', 10, '2026-04-01T00:00:00Z', 2),
      bucket('rollover', 'rollover', 10, '2026-04-01T00:00:00Z', 3),
    ];
    expect(ids(consumptionOrder(buckets, AT))).toEqual(['rollover', 'plan', 'topup']);
  });

  it('on equal expiry and kind takes the oldest first', () => {
    const buckets = [
      bucket('topup-new', 'topup', 10, '2026-04-01T00:00:00Z', 9),
      bucket('topup-old', 'topup', 10, '2026-04-01T00:00:00Z', 2),
      bucket('topup-mid', 'topup', 10, '2026-04-01T00:00:00Z', 5),
    ];
    expect(ids(consumptionOrder(buckets, AT))).toEqual(['topup-old', 'topup-mid', 'topup-new']);
  });

  it('orders a mixed wallet by expiry, kind, then age', () => {
    const buckets = [
      bucket('t2', 'topup', 10, '2026-12-31T00:00:00Z', 7),
      bucket('p', 'plan', 10, '2026-04-01T00:00:00Z', 4),
      bucket('t1', 'topup', 10, '2026-04-01T00:00:00Z', 3),
      bucket('r', 'rollover', 10, '2026-04-01T00:00:00Z', 5),
      bucket('t0', 'topup', 10, '2026-03-31T00:00:00Z', 6),
      bucket('t3', 'topup', 10, '2026-12-31T00:00:00Z', 1),
    ];
    expect(ids(consumptionOrder(buckets, AT))).toEqual(['t0', 'r', 'p', 't1', 't3', 't2']);
  });

  it('does not reorder or modify its input', () => {
    const buckets = [bucket('b', 'topup', 10, '2026-04-01T00:00:00Z', 2), bucket('a', 'plan', 10, '2026-04-01T00:00:00Z', 1)];
    const before = structuredClone(buckets);
    consumptionOrder(Object.freeze(buckets) as readonly Bucket[], AT);
    expect(buckets).toEqual(before);
  });

  it.each([
    [{ kind: 'bonus' as BucketKind }, 'INVALID_BUCKET'],
    [{ remainingCredits: -1 }, 'NEGATIVE_VALUE'],
    [{ remainingCredits: 1.5 }, 'NOT_AN_INTEGER'],
    [{ remainingCredits: 2 ** 53 }, 'UNSAFE_INTEGER'],
    [{ createdOrder: 0.5 }, 'NOT_AN_INTEGER'],
    [{ expiresAt: new Date('x') }, 'INVALID_DATE'],
    [{ validFrom: new Date('x') }, 'INVALID_DATE'],
  ])('rejects a bucket with %p (%s)', (patch, code) => {
    const bad = { ...bucket('bad', 'plan', 10, '2026-04-01T00:00:00Z', 1), ...patch };
    expect(() => consumptionOrder([bad], AT)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects an invalid instant', () => {
    expect(() => consumptionOrder([], new Date('x'))).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });
});

describe('consumptionOrder properties', () => {
  // Few distinct expiries so that ties on expiry (and kind) are common.
  const expiries = ['2026-03-20T00:00:00Z', '2026-04-01T00:00:00Z', '2026-04-01T00:00:00Z', '2026-12-31T00:00:00Z'];
  const wallet = fc.uniqueArray(fc.integer({ min: 0, max: 1_000 }), { minLength: 0, maxLength: 12 }).chain((orders) =>
    fc.tuple(
      ...orders.map((order) =>
        fc
          .record({
            kind: fc.constantFrom<BucketKind>('rollover', 'plan', 'topup'),
            remaining: fc.integer({ min: 0, max: 50 }),
            expiry: fc.constantFrom(...expiries),
          })
          .map(({ kind, remaining, expiry }) => bucket(`b${order}`, kind, remaining, expiry, order)),
      ),
    ),
  );
  const rank = { rollover: 0, plan: 1, topup: 2 };

  it('is independent of input order and sorted by (expiry, kind, createdOrder)', () => {
    fc.assert(
      fc.property(
        wallet.chain((buckets) => fc.tuple(fc.constant(buckets), fc.shuffledSubarray(buckets, { minLength: buckets.length }))),
        ([buckets, shuffled]) => {
          const ordered = consumptionOrder(buckets, AT);
          expect(ids(consumptionOrder(shuffled, AT))).toEqual(ids(ordered));
          for (let i = 1; i < ordered.length; i += 1) {
            const [a, b] = [ordered[i - 1], ordered[i]];
            const key = (x: Bucket) => [x.expiresAt.getTime(), rank[x.kind], x.createdOrder];
            const [ka, kb] = [key(a), key(b)];
            const less = ka[0] < kb[0] || (ka[0] === kb[0] && (ka[1] < kb[1] || (ka[1] === kb[1] && ka[2] < kb[2])));
            expect(less).toBe(true);
          }
          expect(ordered.every((b) => b.remainingCredits > 0)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
