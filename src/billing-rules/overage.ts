import { amountPerMillion } from './amount-per-million';
import { BillingRuleError } from './billing-rule-error';
import { assertCount, assertOptionalCount, toSafeNumber } from './input-guards';

/** What a plan does with usage its buckets cannot cover. */
export interface OverageTerms {
  mode: 'block' | 'payg';
  ratePerMillionFen: number;
  capFen: number | null; // null = no monetary cap
}

/** How uncovered credits of one event split between billable overage and unbilled usage. */
export interface UncoveredSplit {
  overageCredits: number;
  unbilledCredits: number;
}

/**
 * Most overage credits a cycle may bill: floor(capFen × 1,000,000 / rate).
 * Returns null (no limit) when capFen is null, and also when the rate is 0: free overage can
 * never reach a monetary cap, so it is payg without a charge and without a credit limit.
 */
export function overageCapCredits(capFen: number | null, ratePerMillionFen: number): number | null {
  assertOptionalCount(capFen, 'capFen');
  assertCount(ratePerMillionFen, 'ratePerMillionFen');
  if (capFen === null || ratePerMillionFen === 0) return null;
  const credits = (BigInt(capFen) * 1_000_000n) / BigInt(ratePerMillionFen);
  return toSafeNumber(credits, 'overageCapCredits');
}

/**
 * Splits `uncovered` credits: block plans bill nothing (all unbilled); payg plans bill overage up
 * to the cap room left this cycle (capCredits − overageCreditsSoFar, never negative).
 */
export function splitUncovered(uncovered: number, terms: OverageTerms, overageCreditsSoFar: number): UncoveredSplit {
  assertCount(uncovered, 'uncovered');
  assertCount(overageCreditsSoFar, 'overageCreditsSoFar');
  assertOverageTerms(terms);
  if (terms.mode === 'block') return { overageCredits: 0, unbilledCredits: uncovered };
  const capCredits = overageCapCredits(terms.capFen, terms.ratePerMillionFen);
  const room = capCredits === null ? uncovered : Math.max(0, capCredits - overageCreditsSoFar);
  const overageCredits = Math.min(uncovered, room);
  return { overageCredits, unbilledCredits: uncovered - overageCredits };
}

/**
 * Overage charge of a cycle: min(roundHalfUp(overageCredits × rate / 1e6), capFen).
 * Why: pass the cycle's aggregate overage credits, never per-event amounts (see amountPerMillion).
 */
export function overageChargeFen(overageCredits: number, ratePerMillionFen: number, capFen: number | null): number {
  assertOptionalCount(capFen, 'capFen');
  const amount = amountPerMillion(overageCredits, ratePerMillionFen);
  return capFen === null ? amount : Math.min(amount, capFen);
}

/** Throws INVALID_OVERAGE_TERMS / integer errors for malformed overage terms. */
export function assertOverageTerms(terms: OverageTerms): void {
  if (terms === null || typeof terms !== 'object' || (terms.mode !== 'block' && terms.mode !== 'payg')) {
    throw new BillingRuleError('INVALID_OVERAGE_TERMS', `overage mode must be 'block' or 'payg'`);
  }
  assertCount(terms.ratePerMillionFen, 'ratePerMillionFen');
  assertOptionalCount(terms.capFen, 'capFen');
}
