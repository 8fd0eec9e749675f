import { assertCount } from './input-guards';
import { OverageTerms, assertOverageTerms, overageChargeFen } from './overage';

/** What a closed cycle holds when the bill run rates it. */
export interface ClosedCycleFigures {
  /** The fee fixed when the cycle opened (prorated for a first cycle). */
  feeFen: number;
  /** Plan credits granted for the cycle. */
  allowanceCredits: number;
  /** The cycle's final overage credits. */
  overageCredits: number;
  overage: OverageTerms;
}

export interface CycleChargeLine {
  type: 'RECURRING' | 'OVERAGE';
  quantity: number;
  amountFen: number;
}

/**
 * The charges a closed cycle produces: RECURRING always (its quantity the credits granted, even
 * when the fee is zero, so the bill shows the allowance), OVERAGE only for a payg plan whose
 * overage amounts to at least one fen. A block plan never bills overage, whatever its counters say.
 */
export function cycleCharges(c: ClosedCycleFigures): CycleChargeLine[] {
  assertCount(c.feeFen, 'feeFen');
  assertCount(c.allowanceCredits, 'allowanceCredits');
  assertCount(c.overageCredits, 'overageCredits');
  assertOverageTerms(c.overage);
  const recurring: CycleChargeLine = { type: 'RECURRING', quantity: c.allowanceCredits, amountFen: c.feeFen };
  if (c.overage.mode !== 'payg' || c.overageCredits === 0) return [recurring];
  const amountFen = overageChargeFen(c.overageCredits, c.overage.ratePerMillionFen, c.overage.capFen);
  return amountFen === 0 ? [recurring] : [recurring, { type: 'OVERAGE', quantity: c.overageCredits, amountFen }];
}
