import { overflowingPlanTerms } from './plan-terms';

const MAX = Number.MAX_SAFE_INTEGER;
const terms = (capFen: number | null, rate: number, allowance = 1000, maxCredits = 0) => ({
  allowanceCredits: allowance,
  overage: { mode: 'payg' as const, ratePerMillionFen: rate, capFen },
  rollover: { percent: 50, maxCredits },
});

describe('plan terms the billing rules can apply', () => {
  it('refuses an overage cap whose credits pass 2^53 - 1', () => {
    // At 1 fen per million credits, 9,007,199,254 fen is 9,007,199,254,000,000 credits (< 2^53 - 1); one fen more is not.
    expect(overflowingPlanTerms(terms(9_007_199_254, 1))).toEqual([]);
    expect(overflowingPlanTerms(terms(9_007_199_255, 1)).map((e) => e.path)).toEqual(['overage.capFen']);
    expect(overflowingPlanTerms(terms(MAX, 999_999)).map((e) => e.path)).toEqual(['overage.capFen']);
    expect(overflowingPlanTerms(terms(MAX, 1_000_000))).toEqual([]);
    expect(overflowingPlanTerms(terms(MAX, 0))).toEqual([]);
    expect(overflowingPlanTerms(terms(null, 1))).toEqual([]);
  });

  it('refuses an allowance that, with the most rollover, passes 2^53 - 1', () => {
    expect(overflowingPlanTerms(terms(null, 1, MAX - 10, 10))).toEqual([]);
    expect(overflowingPlanTerms(terms(null, 1, MAX - 10, 11)).map((e) => e.path)).toEqual(['rollover.maxCredits']);
  });
});
