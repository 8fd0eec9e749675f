import { assertCount, toSafeNumber } from './input-guards';
import { roundHalfUp } from './round-half-up';

const MILLION = 1_000_000n;

/**
 * Money for `units` at a price per million units: roundHalfUp(units × rate / 1,000,000) fen.
 *
 * Why: always apply this to the aggregate units of a bill line, never per event and then summed;
 * rounding each event separately drifts (3 × 0.5 fen would bill 3 fen instead of 2).
 */
export function amountPerMillion(units: number, ratePerMillionFen: number): number {
  assertCount(units, 'units');
  assertCount(ratePerMillionFen, 'ratePerMillionFen');
  const amount = roundHalfUp(BigInt(units) * BigInt(ratePerMillionFen), MILLION);
  return toSafeNumber(amount, 'amountPerMillion');
}
