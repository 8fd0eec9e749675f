import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A member's credits used in one cycle, as the usage worker sums them over a batch. */
export interface MemberUsage {
  cycleId: string;
  subscriberId: string;
  credits: number;
}

/**
 * The usage worker's writes to what subscriptions own: bucket balances, a cycle's overage and
 * unbilled counters, and each member's credits used in the cycle. Set-wise, one statement each per
 * batch, run inside the worker's transaction under the subscription row locks it holds.
 */
@Injectable()
export class UsageDebitsWriter {
  /** One aggregated decrement per bucket per batch; the CHECK keeps a bucket from going below zero. */
  async debitBuckets(em: EntityManager, debits: Map<string, number>): Promise<void> {
    if (debits.size === 0) return;
    await em.query(
      `UPDATE buckets b SET remaining_credits = b.remaining_credits - d.credits
       FROM unnest($1::uuid[], $2::bigint[]) AS d(id, credits) WHERE b.id = d.id`,
      [[...debits.keys()], [...debits.values()]],
    );
  }

  async addCycleTotals(em: EntityManager, totals: Map<string, { overage: number; unbilled: number }>): Promise<void> {
    const ids = [...totals.keys()].filter((id) => totals.get(id)!.overage + totals.get(id)!.unbilled > 0);
    if (ids.length === 0) return;
    await em.query(
      `UPDATE cycles c SET overage_credits = c.overage_credits + d.overage, unbilled_credits = c.unbilled_credits + d.unbilled
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS d(id, overage, unbilled) WHERE c.id = d.id`,
      [ids, ids.map((id) => totals.get(id)!.overage), ids.map((id) => totals.get(id)!.unbilled)],
    );
  }

  async addMemberUsage(em: EntityManager, usage: Map<string, MemberUsage>): Promise<void> {
    if (usage.size === 0) return;
    const rows = [...usage.values()].sort((a, b) => (a.cycleId + a.subscriberId < b.cycleId + b.subscriberId ? -1 : 1));
    await em.query(
      `INSERT INTO member_cycle_usage (cycle_id, subscriber_id, used_credits)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])
       ON CONFLICT (cycle_id, subscriber_id) DO UPDATE SET used_credits = member_cycle_usage.used_credits + EXCLUDED.used_credits`,
      [rows.map((r) => r.cycleId), rows.map((r) => r.subscriberId), rows.map((r) => r.credits)],
    );
  }
}
