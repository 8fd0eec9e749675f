import { Subscription } from './entities/subscription.entity';

/** A subscription as raw SQL returns it (`SUBSCRIPTION_COLUMNS`, selected from `subscriptions s`). */
export interface SubscriptionRow {
  id: string;
  account_id: string;
  plan_code: string;
  pending_plan_code: string | null;
  status: Subscription['status'];
  start_at: Date;
  ended_at: Date | null;
  current_cycle_id: string | null;
}

export const SUBSCRIPTION_COLUMNS = 's.id, s.account_id, s.plan_code, s.pending_plan_code, s.status, s.start_at, s.ended_at, s.current_cycle_id';

/**
 * The fields the rating paths and the cycle roller read, without loading an entity: those paths
 * handle thousands of subscriptions per statement, and `em.create` / `findBy` cost more than the SQL.
 */
export function subscriptionFromRow(r: SubscriptionRow): Subscription {
  return Object.assign(new Subscription(), {
    id: r.id,
    accountId: r.account_id,
    planCode: r.plan_code,
    pendingPlanCode: r.pending_plan_code,
    status: r.status,
    startAt: r.start_at,
    endedAt: r.ended_at,
    currentCycleId: r.current_cycle_id,
  });
}
