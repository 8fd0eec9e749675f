import { EntityManager, In } from 'typeorm';
import { Bucket } from '../../billing-rules';
import { Plan } from '../../catalog/entities/plan.entity';
import { Cycle } from '../../subscriptions/entities/cycle.entity';
import { Subscription } from '../../subscriptions/entities/subscription.entity';

/** What rating an event needs to know about its subscription, held in memory for one batch. */
export interface SubscriptionState {
  sub: Subscription;
  cycle: Cycle | null;
  plan: Plan;
  buckets: Bucket[];
  /** Overage credits of the open cycle including this batch's so far. */
  overageSoFar: number;
}

/** Locks the subscriptions in id order: concurrent batches over the same rows never deadlock. */
export async function lockSubscriptions(em: EntityManager, ids: string[]): Promise<Map<string, Subscription>> {
  const sorted = [...new Set(ids)].sort();
  if (sorted.length === 0) return new Map();
  await em.query(`SELECT id FROM subscriptions WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [sorted]);
  const subs = await em.findBy(Subscription, { id: In(sorted) });
  return new Map(subs.map((s) => [s.id, s]));
}

export async function loadStates(em: EntityManager, subs: Subscription[], from: Date): Promise<Map<string, SubscriptionState>> {
  const cycleIds = subs.map((s) => s.currentCycleId).filter((id): id is string => id !== null);
  const cycles = new Map((cycleIds.length ? await em.findBy(Cycle, { id: In(cycleIds) }) : []).map((c) => [c.id, c]));
  const planCodes = [...new Set([...subs.map((s) => s.planCode), ...[...cycles.values()].map((c) => c.planCode)])];
  const plans = new Map((await em.findBy(Plan, { code: In(planCodes) })).map((p) => [p.code, p]));
  const buckets = await usableBuckets(em, subs.map((s) => s.id), from);
  const states = new Map<string, SubscriptionState>();
  for (const sub of subs) {
    const cycle = sub.currentCycleId ? cycles.get(sub.currentCycleId)! : null;
    const plan = plans.get(cycle?.planCode ?? sub.planCode)!;
    states.set(sub.id, { sub, cycle, plan, buckets: buckets.get(sub.id) ?? [], overageSoFar: cycle?.overageCredits ?? 0 });
  }
  return states;
}

async function usableBuckets(em: EntityManager, subscriptionIds: string[], from: Date): Promise<Map<string, Bucket[]>> {
  const rows: { id: string; seq: string; subscription_id: string; kind: Bucket['kind']; remaining_credits: string; valid_from: Date; expires_at: Date }[] =
    await em.query(
      `SELECT id, seq, subscription_id, kind, remaining_credits, valid_from, expires_at FROM buckets
       WHERE subscription_id = ANY($1::uuid[]) AND remaining_credits > 0 AND expires_at > $2`,
      [subscriptionIds, from.toISOString()],
    );
  const out = new Map<string, Bucket[]>();
  for (const r of rows) {
    const list = out.get(r.subscription_id) ?? [];
    list.push({ id: r.id, kind: r.kind, remainingCredits: Number(r.remaining_credits), validFrom: r.valid_from, expiresAt: r.expires_at, createdOrder: Number(r.seq) });
    out.set(r.subscription_id, list);
  }
  return out;
}
