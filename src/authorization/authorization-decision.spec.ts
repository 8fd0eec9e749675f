import { AuthorizationSnapshot, decide } from './authorization-decision';

const base: AuthorizationSnapshot = {
  subscriptionId: 's1',
  status: 'active',
  cycleEndAt: new Date('2026-12-01T00:00:00+08:00'),
  planModels: ['m1'],
  overageMode: 'block',
  overageRatePerMillionFen: 0,
  overageCapFen: null,
  cycleOverageCredits: 0,
  modelStatus: 'active',
  bucketCredits: 100,
  heldCredits: 0,
  memberUsedCredits: 0,
  memberHeldCredits: 0,
  monthlyCapCredits: null,
};
const s = (over: Partial<AuthorizationSnapshot>) => ({ ...base, ...over });
const payg = (capFen: number | null, overage: number) =>
  s({ overageMode: 'payg', overageRatePerMillionFen: 7000, overageCapFen: capFen, cycleOverageCredits: overage, bucketCredits: 0 });

describe('decide', () => {
  it('answers UNKNOWN_SUBSCRIBER with nothing left and no overage when there is no membership', () => {
    expect(decide(null, 'm1', 1)).toEqual({ allowed: false, reason: 'UNKNOWN_SUBSCRIBER', remainingCredits: 0, overageAllowed: false });
  });

  it('checks model, plan, suspension and end before any balance reason', () => {
    const broke = { bucketCredits: 0, monthlyCapCredits: 0 };
    expect(decide(s({ ...broke, modelStatus: null, status: 'suspended' }), 'm1', 1).reason).toBe('UNKNOWN_MODEL');
    expect(decide(s({ ...broke, modelStatus: 'retired' }), 'm1', 1).reason).toBe('UNKNOWN_MODEL');
    expect(decide(s({ ...broke, status: 'suspended' }), 'm2', 1).reason).toBe('MODEL_NOT_IN_PLAN');
    expect(decide(s({ ...broke, status: 'suspended' }), 'm1', 1).reason).toBe('SUBSCRIPTION_SUSPENDED');
    expect(decide(s({ ...broke, status: 'ended', cycleEndAt: null }), 'm1', 1).reason).toBe('SUBSCRIPTION_ENDED');
    expect(decide(s({ ...broke, planModels: ['*'] }), 'any', 1).reason).toBe('MEMBER_CAP_REACHED');
  });

  it('counts member holds toward the cap and pool holds against the balance', () => {
    expect(decide(s({ memberUsedCredits: 60, memberHeldCredits: 40, monthlyCapCredits: 100 }), 'm1', 1).reason).toBe('MEMBER_CAP_REACHED');
    expect(decide(s({ heldCredits: 30 }), 'm1', 71)).toEqual({ allowed: false, reason: 'BALANCE_EXHAUSTED', remainingCredits: 70, overageAllowed: false });
    expect(decide(s({ heldCredits: 130 }), 'm1', 1)).toMatchObject({ remainingCredits: 0 });
  });

  it('lets a block plan spend exactly what is left', () => {
    expect(decide(base, 'm1', 100)).toEqual({ allowed: true, remainingCredits: 100, overageAllowed: false });
    expect(decide(base, 'm1', 101).reason).toBe('BALANCE_EXHAUSTED');
  });

  it('lets a payg plan run into overage until floor(capFen × 1e6 / rate) credits', () => {
    // floor(10 × 1,000,000 / 7000) = 1428
    expect(decide(payg(10, 1427), 'm1', 1)).toEqual({ allowed: true, remainingCredits: 0, overageAllowed: true });
    expect(decide(payg(10, 1428), 'm1', 1)).toEqual({ allowed: false, reason: 'SPENDING_CAP_REACHED', remainingCredits: 0, overageAllowed: false });
    expect(decide(payg(null, 10 ** 9), 'm1', 1)).toMatchObject({ allowed: true, overageAllowed: true });
  });

  it('covered calls on a payg plan pass even at the cap, which still shows in overageAllowed', () => {
    expect(decide({ ...payg(10, 1428), bucketCredits: 5 }, 'm1', 5)).toEqual({ allowed: true, remainingCredits: 5, overageAllowed: false });
  });
});
