import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Subscription } from './entities/subscription.entity';
import type { CycleTerms } from './cycle-roller.service';
import { subscriptionSourcesOf } from './subscription-lifecycle';

export interface NextCycle {
  sub: Subscription;
  planCode: string;
  terms: CycleTerms;
  first: boolean;
  rollover: number;
}

/**
 * Set-based writes of the cycle roll: one statement per step, whatever the number of subscriptions.
 * Opening a cycle (cycle, buckets, subscription pointer) and ending a subscription (subscription,
 * memberships) are each one statement of data-modifying CTEs, so a slice of thousands costs one
 * round trip per step.
 */
@Injectable()
export class CycleRollWriter {
  /**
   * Inserts the cycles with their plan and rollover buckets and points each subscription at its new
   * cycle. Buckets are inserted in input order, plan before rollover (their `seq` follows it).
   */
  async openCycles(em: EntityManager, next: NextCycle[]): Promise<string[]> {
    if (next.length === 0) return [];
    // TypeORM answers a statement whose outer part is an UPDATE … RETURNING with [rows, affectedCount].
    const [rows]: [{ id: string; subscription_id: string }[], number] = await em.query(
      `WITH x AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::boolean[], $7::bigint[],
                              $8::bigint[], $9::bigint[])
           WITH ORDINALITY AS x(s, p, st, en, pl, f, fee, al, ro, ord)
       ), c AS (
         INSERT INTO cycles (subscription_id, period, start_at, end_at, plan_code, first_cycle, fee_fen, allowance_credits, status)
         SELECT s, p, st, en, pl, f, fee, al, 'open' FROM x ORDER BY ord
         RETURNING id, subscription_id
       ), b AS (
         INSERT INTO buckets (subscription_id, cycle_id, kind, granted_credits, remaining_credits, valid_from, expires_at)
         SELECT x.s, c.id, g.kind, g.credits, g.credits, x.st, x.en
         FROM x JOIN c ON c.subscription_id = x.s CROSS JOIN LATERAL (VALUES (1, 'plan', x.al), (2, 'rollover', x.ro)) AS g(n, kind, credits)
         WHERE g.credits > 0
         ORDER BY x.ord, g.n
       )
       UPDATE subscriptions s SET current_cycle_id = c.id, plan_code = x.pl, pending_plan_code = NULL, updated_at = now()
       FROM x JOIN c ON c.subscription_id = x.s WHERE s.id = x.s
       RETURNING c.id, c.subscription_id`,
      [
        next.map((n) => n.sub.id),
        next.map((n) => n.terms.period),
        next.map((n) => n.terms.start.toISOString()),
        next.map((n) => n.terms.end.toISOString()),
        next.map((n) => n.planCode),
        next.map((n) => n.first),
        next.map((n) => n.terms.feeFen),
        next.map((n) => n.terms.allowanceCredits),
        next.map((n) => n.rollover),
      ],
    );
    const cycleOf = new Map(rows.map((r) => [r.subscription_id, r.id]));
    for (const n of next) Object.assign(n.sub, { currentCycleId: cycleOf.get(n.sub.id)!, planCode: n.planCode, pendingPlanCode: null });
    return next.map((n) => cycleOf.get(n.sub.id)!);
  }

  /** Ends subscriptions: no open cycle, memberships end at the same instant. */
  async endSubscriptions(em: EntityManager, ends: { sub: Subscription; at: Date }[]): Promise<void> {
    if (ends.length === 0) return;
    await em.query(
      `WITH x AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at)),
       m AS (
         UPDATE members m SET removed_at = GREATEST(m.added_at, x.at) FROM x WHERE m.subscription_id = x.id AND m.removed_at IS NULL
       )
       UPDATE subscriptions s SET status = 'ended', ended_at = x.at, current_cycle_id = NULL, updated_at = now()
         FROM x WHERE s.id = x.id AND s.status = ANY($3)`,
      [ends.map((e) => e.sub.id), ends.map((e) => e.at.toISOString()), subscriptionSourcesOf('end')],
    );
    for (const e of ends) Object.assign(e.sub, { status: 'ended', endedAt: e.at, currentCycleId: null });
  }
}
