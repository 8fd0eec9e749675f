import { consumptionOrder, type Bucket } from './consumption-order';
import { assertCount } from './input-guards';

/** Credits taken from one bucket. */
export interface CreditDraw {
  bucketId: string;
  credits: number;
}

/** Result of drawing credits: what each bucket gives, and what no bucket could cover. */
export interface DrawResult {
  draws: CreditDraw[];
  uncovered: number;
}

/**
 * Takes `credits` from the buckets usable at `at`, in consumption order, never taking a bucket
 * below zero. Inputs are not mutated; the caller applies the draws.
 */
export function drawCredits(buckets: readonly Bucket[], credits: number, at: Date): DrawResult {
  assertCount(credits, 'credits');
  const draws: CreditDraw[] = [];
  let left = credits;
  for (const bucket of consumptionOrder(buckets, at)) {
    if (left === 0) break;
    const taken = Math.min(left, bucket.remainingCredits);
    draws.push({ bucketId: bucket.id, credits: taken });
    left -= taken;
  }
  return { draws, uncovered: left };
}
