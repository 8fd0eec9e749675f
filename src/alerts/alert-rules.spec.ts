import { UsageFacts, usageAlerts, usagePercentReached } from './alert-rules';

const facts = (over: Partial<UsageFacts> = {}): UsageFacts => ({
  subscriptionId: 's',
  cycleId: 'c',
  allowanceCredits: 1000,
  usedCredits: 0,
  remainingCredits: 1000,
  overage: { mode: 'block', ratePerMillionFen: 0, capFen: null },
  overageCredits: 0,
  members: [],
  ...over,
});
const kinds = (f: UsageFacts) => usageAlerts(f).map((a) => `${a.kind}${a.subject ? `:${a.subject}` : ''}`);

describe('usagePercentReached', () => {
  it.each([
    [799, 1000, 80, false],
    [800, 1000, 80, true], // exactly 80 %
    [999, 1000, 100, false],
    [1000, 1000, 100, true],
    [1, 3, 33, true], // 100 >= 99
    [0, 0, 80, false], // no allowance, no percentage
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 100, true], // exact beyond 2^53 in the products
  ])('used %p of %p reaches %p %%: %p', (used, allowance, percent, expected) => {
    expect(usagePercentReached(used, allowance, percent)).toBe(expected);
  });
});

describe('usageAlerts', () => {
  it('raises nothing below every threshold', () => {
    expect(kinds(facts({ usedCredits: 799, remainingCredits: 201 }))).toEqual([]);
  });

  it('raises USAGE_80 and USAGE_100 together when one batch jumps past both', () => {
    expect(kinds(facts({ usedCredits: 1000, remainingCredits: 5 }))).toEqual(['USAGE_80', 'USAGE_100']);
  });

  it('raises BALANCE_EXHAUSTED when the buckets valid now hold nothing', () => {
    expect(kinds(facts({ usedCredits: 10, remainingCredits: 0, allowanceCredits: 0 }))).toEqual(['BALANCE_EXHAUSTED']);
  });

  it('raises MEMBER_CAP_REACHED per member at or over its cap, with the member as subject', () => {
    const members = [
      { subscriberId: 'a', usedCredits: 100, monthlyCapCredits: 100 },
      { subscriberId: 'b', usedCredits: 99, monthlyCapCredits: 100 },
      { subscriberId: 'c', usedCredits: 500, monthlyCapCredits: null },
    ];
    expect(kinds(facts({ usedCredits: 699, allowanceCredits: 10_000, members }))).toEqual(['MEMBER_CAP_REACHED:a']);
  });

  it('raises OVERAGE_CAP_REACHED at floor(capFen × 1e6 / rate) overage credits on a capped payg plan', () => {
    // cap 100 fen at 3 fen per million: floor(100,000,000 / 3) = 33,333,333 credits
    const payg = { mode: 'payg' as const, ratePerMillionFen: 3, capFen: 100 };
    const base = { usedCredits: 10, allowanceCredits: 10_000_000, overage: payg };
    expect(kinds(facts({ ...base, overageCredits: 33_333_332 }))).toEqual([]);
    expect(kinds(facts({ ...base, overageCredits: 33_333_333 }))).toEqual(['OVERAGE_CAP_REACHED']);
  });

  it('never raises OVERAGE_CAP_REACHED without a cap, at rate 0, or on a block plan', () => {
    const many = { usedCredits: 10, allowanceCredits: 10_000_000, overageCredits: 10 ** 12 };
    expect(kinds(facts({ ...many, overage: { mode: 'payg', ratePerMillionFen: 3, capFen: null } }))).toEqual([]);
    expect(kinds(facts({ ...many, overage: { mode: 'payg', ratePerMillionFen: 0, capFen: 100 } }))).toEqual([]);
    expect(kinds(facts({ ...many, overage: { mode: 'block', ratePerMillionFen: 3, capFen: 100 } }))).toEqual([]);
  });
});
