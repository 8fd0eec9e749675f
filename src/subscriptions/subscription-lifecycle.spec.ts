import { nextStatus, SubscriptionAction } from './subscription-lifecycle';
import { SubscriptionStatus } from './entities/subscription.entity';

describe('subscription lifecycle', () => {
  const legal: [SubscriptionAction, SubscriptionStatus, SubscriptionStatus][] = [
    ['suspend', 'active', 'suspended'],
    ['resume', 'suspended', 'active'],
    ['cancel', 'active', 'cancelled'],
    ['cancel', 'suspended', 'cancelled'],
    ['terminate', 'active', 'ended'],
    ['terminate', 'suspended', 'ended'],
    ['terminate', 'cancelled', 'ended'],
    ['changePlan', 'active', 'active'],
    ['topUp', 'active', 'active'],
  ];

  it.each(legal)('%s from %s leads to %s', (action, from, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  it('nothing is legal once ended', () => {
    const actions: SubscriptionAction[] = ['changePlan', 'cancel', 'terminate', 'suspend', 'resume', 'addMember', 'removeMember', 'topUp'];
    for (const a of actions) expect(() => nextStatus('ended', a)).toThrow(/ended/);
  });

  it.each([
    ['resume', 'active'],
    ['suspend', 'suspended'],
    ['suspend', 'cancelled'],
    ['resume', 'cancelled'],
    ['cancel', 'cancelled'],
    ['topUp', 'suspended'],
    ['topUp', 'cancelled'],
    ['changePlan', 'cancelled'],
  ] as [SubscriptionAction, SubscriptionStatus][])('%s from %s is a 409 naming the state', (action, from) => {
    expect(() => nextStatus(from, action)).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining(from) }));
  });
});
