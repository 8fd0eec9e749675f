import { mayAlert } from './alert-screen';
import { SubscriptionState } from './subscription-states';

const now = new Date('2026-11-15T00:00:00Z');
const state = (remaining: number, heldCredits: number): SubscriptionState =>
  ({
    sub: { id: 's1' },
    cycle: { id: 'c1', startAt: new Date('2026-10-31T16:00:00Z'), endAt: new Date('2026-11-30T16:00:00Z'), overageCredits: 0 },
    plan: { code: 'p', models: ['*'], overageMode: 'block', overageRatePerMillionFen: 0, overageCapFen: null },
    buckets: [
      {
        id: 'b1',
        kind: 'plan',
        remainingCredits: remaining,
        validFrom: new Date('2026-10-31T16:00:00Z'),
        expiresAt: new Date('2026-11-30T16:00:00Z'),
        createdOrder: 1,
      },
    ],
    overageSoFar: 0,
    allowanceCredits: 1000,
    usedSoFar: 100,
    heldCredits,
    hasMemberCaps: false,
  }) as unknown as SubscriptionState;

describe('mayAlert', () => {
  it('screens in a pool whose held credits take all that is left, as the exact read counts them', () => {
    expect(mayAlert(state(900, 0), now)).toBe(false);
    expect(mayAlert(state(900, 899), now)).toBe(false);
    expect(mayAlert(state(900, 900), now)).toBe(true);
  });
});
