import { type Bucket } from './consumption-order';
import { drawCredits, type CreditDraw } from './draw-credits';
import { assertCount, assertValidDate } from './input-guards';
import { splitUncovered, type OverageTerms } from './overage';

/** Everything needed to rate one usage event's credits. */
export interface RateUsageInput {
  credits: number;
  buckets: readonly Bucket[];
  at: Date;
  overage: OverageTerms;
  overageCreditsSoFar: number; // overage already billed in this cycle
  billable: boolean; // false when the subscription ended and no cycle is open
}

/** Where an event's credits went. Invariant: sum(draws) + overageCredits + unbilledCredits === credits. */
export interface RatedUsage {
  draws: CreditDraw[];
  overageCredits: number;
  unbilledCredits: number;
}

/** Rates one event: draw from buckets, then split the rest into overage and unbilled credits. */
export function rateUsage(input: RateUsageInput): RatedUsage {
  const { credits, buckets, at, overage, overageCreditsSoFar, billable } = input;
  assertCount(credits, 'credits');
  assertValidDate(at, 'at');
  // Why: with no open cycle there is nothing to draw from or bill to; record it all as unbilled.
  if (!billable) return { draws: [], overageCredits: 0, unbilledCredits: credits };
  const { draws, uncovered } = drawCredits(buckets, credits, at);
  const split = splitUncovered(uncovered, overage, overageCreditsSoFar);
  return { draws, ...split };
}
