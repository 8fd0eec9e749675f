import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Subscription } from './entities/subscription.entity';
import type { CycleTerms } from './cycle-roller.service';

export interface NextCycle {
  sub: Subscription;
  planCode: string;
  terms: CycleTerms;
  first: boolean;
  rollover: number;
}

/** Set-based writes of the cycle roll: one statement per step, whatever the number of subscriptions. */
@Injectable()
export class CycleRollWriter {
  /** Inserts the cycles with their plan and rollover buckets and points each subscription at its new cycle. */
  async openCycles(em: EntityManager, next: NextCycle[]): Promise<string[]> {
    if (next.length === 0) return [];
    const rows: { id: string; subscription_id: string }[] = await em.query(
      `INSERT INTO cycles (subscription_id, period, start_at, end_at, plan_code, first_cycle, fee_fen, allowance_credits, status)
       SELECT s, p, st, en, pl, f, fee, al, 'open'
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::boolean[], $7::bigint[], $8::bigint[])
         AS x(s, p, st, en, pl, f, fee, al)
       RETURNING id, subscription_id`,
      [
        next.map((n) => n.sub.id),
        next.map((n) => n.terms.period),
        next.map((n) => n.terms.start.toISOString()),
        next.map((n) => n.terms.end.toISOString()),
        next.map((n) => n.planCode),
        next.map((n) => n.first),
        next.map((n) => n.terms.feeFen),
        next.map((n) => n.terms.allowanceCredits),
      ],
    );
    const cycleOf = new Map(rows.map((r) => [r.subscription_id, r.id]));
    await this.grant(em, next, cycleOf);
    await em.query(
      `UPDATE subscriptions s SET current_cycle_id = x.c, plan_code = x.p, pending_plan_code = NULL, updated_at = now()
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(id, c, p) WHERE s.id = x.id`,
      [next.map((n) => n.sub.id), next.map((n) => cycleOf.get(n.sub.id)), next.map((n) => n.planCode)],
    );
    for (const n of next) Object.assign(n.sub, { currentCycleId: cycleOf.get(n.sub.id)!, planCode: n.planCode, pendingPlanCode: null });
    return next.map((n) => cycleOf.get(n.sub.id)!);
  }

  /** Ends subscriptions: no open cycle, memberships end at the same instant. */
  async endSubscriptions(em: EntityManager, ends: { sub: Subscription; at: Date }[]): Promise<void> {
    if (ends.length === 0) return;
    const params = [ends.map((e) => e.sub.id), ends.map((e) => e.at.toISOString())];
    await em.query(
      `UPDATE subscriptions s SET status = 'ended', ended_at = x.at, current_cycle_id = NULL, updated_at = now()
       FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at) WHERE s.id = x.id`,
      params,
    );
    await em.query(
      `UPDATE members m SET removed_at = GREATEST(m.added_at, x.at)
       FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at) WHERE m.subscription_id = x.id AND m.removed_at IS NULL`,
      params,
    );
    for (const e of ends) Object.assign(e.sub, { status: 'ended', endedAt: e.at, currentCycleId: null });
  }

  private async grant(em: EntityManager, next: NextCycle[], cycleOf: Map<string, string>): Promise<void> {
    const grants = next.flatMap((n) => [
      ...(n.terms.allowanceCredits > 0 ? [{ n, kind: 'plan', credits: n.terms.allowanceCredits }] : []),
      ...(n.rollover > 0 ? [{ n, kind: 'rollover', credits: n.rollover }] : []),
    ]);
    if (grants.length === 0) return;
    await em.query(
      `INSERT INTO buckets (subscription_id, cycle_id, kind, granted_credits, remaining_credits, valid_from, expires_at)
       SELECT s, c, k, g, g, vf, ex FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::timestamptz[], $6::timestamptz[])
         AS x(s, c, k, g, vf, ex)`,
      [
        grants.map((g) => g.n.sub.id),
        grants.map((g) => cycleOf.get(g.n.sub.id)),
        grants.map((g) => g.kind),
        grants.map((g) => g.credits),
        grants.map((g) => g.n.terms.start.toISOString()),
        grants.map((g) => g.n.terms.end.toISOString()),
      ],
    );
  }
}
