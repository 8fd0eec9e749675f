import { AuthorizationSnapshot, decide } from './authorization-decision';
import { decideHold } from './hold-decision';

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
  bucketCredits: 1000,
  heldCredits: 0,
  memberUsedCredits: 0,
  memberHeldCredits: 0,
  monthlyCapCredits: null,
};
const s = (over: Partial<AuthorizationSnapshot>) => ({ ...base, ...over });
// floor(10 fen × 1,000,000 / 7000) = 1428 overage credits per cycle
const payg = (over: Partial<AuthorizationSnapshot>) => s({ overageMode: 'payg', overageRatePerMillionFen: 7000, overageCapFen: 10, ...over });

describe('decideHold', () => {
  it('holds exactly what is free, and shows what is left once the hold is placed', () => {
    expect(decideHold(s({ heldCredits: 400 }), 'm1', 600)).toEqual({ allowed: true, remainingCredits: 0, overageAllowed: false });
    expect(decideHold(s({ heldCredits: 400 }), 'm1', 601)).toEqual({
      allowed: false,
      reason: 'BALANCE_EXHAUSTED',
      remainingCredits: 600,
      overageAllowed: false,
    });
  });

  it('refuses a hold that would carry the member past its cap, though the cap is not yet reached', () => {
    const member = { memberUsedCredits: 500, memberHeldCredits: 300, monthlyCapCredits: 1000 };
    expect(decideHold(s(member), 'm1', 200)).toMatchObject({ allowed: true });
    expect(decideHold(s(member), 'm1', 201)).toMatchObject({ allowed: false, reason: 'MEMBER_CAP_REACHED' });
    expect(decide(s(member), 'm1', 201)).toMatchObject({ allowed: true });
  });

  it('on payg, holds beyond the buckets use the overage room, and a hold must fit in what remains', () => {
    // 100 free bucket credits + 1428 − 28 = 1400 room → 1500 at most
    expect(decideHold(payg({ bucketCredits: 100, cycleOverageCredits: 28 }), 'm1', 1500)).toMatchObject({ allowed: true, remainingCredits: 0 });
    expect(decideHold(payg({ bucketCredits: 100, cycleOverageCredits: 28 }), 'm1', 1501)).toMatchObject({ allowed: false, reason: 'SPENDING_CAP_REACHED' });
    // 1000 held on 100 bucket credits: 900 of the hold are overage in waiting, 528 room left
    expect(decideHold(payg({ bucketCredits: 100, heldCredits: 1000 }), 'm1', 528)).toMatchObject({ allowed: true });
    expect(decideHold(payg({ bucketCredits: 100, heldCredits: 1000 }), 'm1', 529)).toMatchObject({ allowed: false, reason: 'SPENDING_CAP_REACHED' });
  });

  it('payg holds close the overage of plain authorizations too', () => {
    expect(decide(payg({ bucketCredits: 0, heldCredits: 1427 }), 'm1', 1)).toMatchObject({ allowed: true, overageAllowed: true });
    expect(decide(payg({ bucketCredits: 0, heldCredits: 1428 }), 'm1', 1)).toMatchObject({
      allowed: false,
      reason: 'SPENDING_CAP_REACHED',
      overageAllowed: false,
    });
  });

  it('uncapped payg holds any estimate; ordinary refusals come first', () => {
    expect(decideHold(payg({ overageCapFen: null, bucketCredits: 0 }), 'm1', 10 ** 12)).toMatchObject({ allowed: true });
    expect(decideHold(s({ status: 'suspended' }), 'm1', 1)).toMatchObject({ allowed: false, reason: 'SUBSCRIPTION_SUSPENDED' });
    expect(decideHold(null, 'm1', 1)).toMatchObject({ allowed: false, reason: 'UNKNOWN_SUBSCRIBER' });
  });
});
