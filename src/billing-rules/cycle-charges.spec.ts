import { cycleCharges } from './cycle-charges';

const payg = (ratePerMillionFen: number, capFen: number | null) => ({ mode: 'payg' as const, ratePerMillionFen, capFen });

describe('cycleCharges: what a closed cycle bills', () => {
  it('bills the fee fixed at opening as RECURRING, quantity the credits granted', () => {
    expect(cycleCharges({ feeFen: 990, allowanceCredits: 10_000_000, overageCredits: 0, overage: payg(200, null) })).toEqual([
      { type: 'RECURRING', quantity: 10_000_000, amountFen: 990 },
    ]);
  });

  it('keeps a zero-fee RECURRING line so the bill shows the allowance', () => {
    expect(cycleCharges({ feeFen: 0, allowanceCredits: 500, overageCredits: 0, overage: { mode: 'block', ratePerMillionFen: 0, capFen: null } })).toEqual([
      { type: 'RECURRING', quantity: 500, amountFen: 0 },
    ]);
  });

  it('adds OVERAGE for payg: roundHalfUp(credits × rate / 1e6) on the aggregate', () => {
    // 2,500,000 credits at 150 fen per million = 375 fen exactly; 1,250,001 at 150 = 187.50015 → 188.
    expect(cycleCharges({ feeFen: 990, allowanceCredits: 1, overageCredits: 2_500_000, overage: payg(150, null) })[1]).toEqual({
      type: 'OVERAGE',
      quantity: 2_500_000,
      amountFen: 375,
    });
    expect(cycleCharges({ feeFen: 990, allowanceCredits: 1, overageCredits: 1_250_001, overage: payg(150, null) })[1].amountFen).toBe(188);
  });

  it('caps the OVERAGE amount at capFen', () => {
    // 10,000,000 credits at 200 fen per million = 2,000 fen, capped at 1,500.
    expect(cycleCharges({ feeFen: 0, allowanceCredits: 0, overageCredits: 10_000_000, overage: payg(200, 1500) })[1].amountFen).toBe(1500);
  });

  it('writes no OVERAGE line when the amount rounds to zero fen, or for a block plan', () => {
    // 3,333 credits at 100 fen per million = 0.3333 fen → 0.
    expect(cycleCharges({ feeFen: 990, allowanceCredits: 1, overageCredits: 3_333, overage: payg(100, null) })).toHaveLength(1);
    expect(
      cycleCharges({ feeFen: 990, allowanceCredits: 1, overageCredits: 9_999, overage: { mode: 'block', ratePerMillionFen: 500, capFen: null } }),
    ).toHaveLength(1);
  });

  it('refuses figures that are not counts', () => {
    expect(() => cycleCharges({ feeFen: -1, allowanceCredits: 0, overageCredits: 0, overage: payg(1, null) })).toThrow();
    expect(() => cycleCharges({ feeFen: 1, allowanceCredits: 0, overageCredits: 0.5, overage: payg(1, null) })).toThrow();
  });
});
