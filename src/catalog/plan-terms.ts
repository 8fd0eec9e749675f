import { FieldError } from '../common/http/problem';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

export interface PlanTerms {
  allowanceCredits: number;
  overage: { mode: 'block' | 'payg'; ratePerMillionFen: number; capFen: number | null };
  rollover: { percent: number; maxCredits: number };
}

/**
 * Terms the billing rules could not apply without passing 2^53 − 1, each on its field. Every
 * field is a safe integer already; these are the derived figures:
 * - the overage cap in credits, floor(capFen × 1,000,000 / rate), which bounds a cycle's overage;
 * - a cycle's starting balance, allowance plus the most rollover it can carry.
 * Refused when the plan is created, so a cycle never fails to rate on them later.
 */
export function overflowingPlanTerms(t: PlanTerms): FieldError[] {
  const errors: FieldError[] = [];
  const { ratePerMillionFen: rate, capFen } = t.overage;
  if (t.overage.mode === 'payg' && capFen !== null && rate > 0 && (BigInt(capFen) * 1_000_000n) / BigInt(rate) > MAX) {
    errors.push({ path: 'overage.capFen', message: 'overage.capFen × 1,000,000 / ratePerMillionFen (the cap in credits) must not exceed 2^53 - 1' });
  }
  if (BigInt(t.allowanceCredits) + BigInt(t.rollover.maxCredits) > MAX) {
    errors.push({ path: 'rollover.maxCredits', message: 'allowanceCredits + rollover.maxCredits must not exceed 2^53 - 1' });
  }
  return errors;
}
