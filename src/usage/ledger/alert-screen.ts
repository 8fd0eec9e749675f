import { usageAlerts } from '../../alerts/alert-rules';
import { overageTerms } from './batch-rater';
import { SubscriptionState } from './subscription-states';

/**
 * Whether the alert rules could call for an alert on a subscription after its batch, judged from
 * the batch's own locked state: the cycle's allowance and usage, the buckets' balances valid now
 * and the overage so far, run through the same rules. Only subscriptions that pass are read again
 * for the exact facts the alerts are raised from; most batches leave most subscriptions below
 * every threshold, and that read was a sixth of the worker's database time.
 *
 * Per-member caps need every capped member's usage, which the state does not hold: a subscription
 * with a capped member always goes on to the exact read.
 */
export function mayAlert(state: SubscriptionState, now: Date): boolean {
  if (!state.cycle) return false;
  if (state.hasMemberCaps) return true;
  const at = now.getTime();
  let remaining = 0;
  for (const b of state.buckets) if (b.validFrom.getTime() <= at && b.expiresAt.getTime() > at) remaining += b.remainingCredits;
  const candidates = usageAlerts({
    subscriptionId: state.sub.id,
    cycleId: state.cycle.id,
    allowanceCredits: state.allowanceCredits,
    usedCredits: state.usedSoFar,
    remainingCredits: Math.max(0, remaining - state.heldCredits),
    overage: overageTerms(state.plan),
    overageCredits: state.overageSoFar,
    members: [],
  });
  return candidates.length > 0;
}
