import { ConflictProblem } from '../common/http/domain.exception';
import { SubscriptionStatus } from './entities/subscription.entity';

export type SubscriptionAction = 'changePlan' | 'cancel' | 'terminate' | 'suspend' | 'resume' | 'addMember' | 'removeMember' | 'topUp' | 'end';

/**
 * The one table of legal lifecycle steps: for each action, the states it may start from and the
 * state it leads to. Anything not listed is a 409 naming the current state. `end` is the write that
 * ends a subscription, set-wise: the roll's step (cancelled → ended at the cycle's end) and the
 * terminate action both go through it.
 */
const TRANSITIONS: Record<SubscriptionAction, Partial<Record<SubscriptionStatus, SubscriptionStatus>>> = {
  changePlan: { active: 'active', suspended: 'suspended' },
  cancel: { active: 'cancelled', suspended: 'cancelled' },
  terminate: { active: 'ended', suspended: 'ended', cancelled: 'ended' },
  suspend: { active: 'suspended' },
  resume: { suspended: 'active' },
  addMember: { active: 'active', suspended: 'suspended' },
  removeMember: { active: 'active', suspended: 'suspended', cancelled: 'cancelled' },
  topUp: { active: 'active' },
  end: { active: 'ended', suspended: 'ended', cancelled: 'ended' },
};

export function nextStatus(current: SubscriptionStatus, action: SubscriptionAction): SubscriptionStatus {
  const next = TRANSITIONS[action][current];
  if (!next) {
    throw new ConflictProblem('ILLEGAL_TRANSITION', `Cannot ${describe(action)} a subscription that is ${current}`);
  }
  return next;
}

function describe(action: SubscriptionAction): string {
  return action.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/** The states `action` may start from, for set-wise updates. */
export function subscriptionSourcesOf(action: SubscriptionAction): SubscriptionStatus[] {
  return Object.keys(TRANSITIONS[action]) as SubscriptionStatus[];
}
