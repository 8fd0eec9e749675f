import { BillingRuleError } from './billing-rule-error';
import { assertCount, assertSafeInteger, assertValidDate } from './input-guards';

export type BucketKind = 'rollover' | 'plan' | 'topup';

/** A pot of prepaid credits, usable in [validFrom, expiresAt). */
export interface Bucket {
  id: string;
  kind: BucketKind;
  remainingCredits: number;
  validFrom: Date;
  expiresAt: Date;
  createdOrder: number; // older = smaller; ties impossible
}

// On equal expiry, carried-over credits go first, then the plan's own, then paid top-ups.
const KIND_RANK: Readonly<Record<BucketKind, number>> = { rollover: 0, plan: 1, topup: 2 };

/** Throws if a bucket is malformed (unknown kind, negative or unsafe credits, invalid dates). */
export function assertBucket(bucket: Bucket): void {
  if (bucket === null || typeof bucket !== 'object' || !Object.hasOwn(KIND_RANK, bucket.kind)) {
    throw new BillingRuleError('INVALID_BUCKET', `bucket has an unknown kind: ${String(bucket?.kind)}`);
  }
  const name = `bucket ${bucket.id}`;
  assertCount(bucket.remainingCredits, `${name}.remainingCredits`);
  assertSafeInteger(bucket.createdOrder, `${name}.createdOrder`);
  assertValidDate(bucket.validFrom, `${name}.validFrom`);
  assertValidDate(bucket.expiresAt, `${name}.expiresAt`);
}

/** A bucket is usable at `at` when validFrom <= at < expiresAt and it still holds credits. */
export function isBucketUsable(bucket: Bucket, at: Date): boolean {
  const t = at.getTime();
  return bucket.validFrom.getTime() <= t && t < bucket.expiresAt.getTime() && bucket.remainingCredits > 0;
}

function compareBuckets(a: Bucket, b: Bucket): number {
  return (
    a.expiresAt.getTime() - b.expiresAt.getTime() ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    a.createdOrder - b.createdOrder ||
    // Unreachable when createdOrder is unique; keeps the order total if data ever breaks that.
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * The buckets usable at `at`, in the order credits are drawn from them: earliest expiry first;
 * on equal expiry rollover, then plan, then topup; then oldest (smallest createdOrder) first.
 */
export function consumptionOrder(buckets: readonly Bucket[], at: Date): Bucket[] {
  assertValidDate(at, 'at');
  buckets.forEach(assertBucket);
  return buckets.filter((bucket) => isBucketUsable(bucket, at)).sort(compareBuckets);
}
