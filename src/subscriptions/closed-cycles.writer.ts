import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CYCLE_LIFECYCLE as CYCLES } from './cycle-lifecycle';

/** A closed cycle as the bill run needs it to write its charges. */
export interface RatedCycle {
  id: string;
  subscription_id: string;
  period: string;
  plan_code: string;
  plan_name: string;
  fee_fen: string;
  allowance_credits: string;
  overage_credits: string;
  overage_mode: 'block' | 'payg';
  overage_rate_per_million_fen: string;
  overage_cap_fen: string | null;
  account_id: string;
  external_ref: string;
}

/** The bill run's one write to cycles: closed cycles become rated, exactly once each. */
@Injectable()
export class ClosedCyclesWriter {
  /**
   * Marks every closed, unrated cycle of these subscriptions that ended by `periodEnd` rated and
   * answers them with what their charges need, in one statement. The caller writes the charges in
   * the same transaction, so a cycle is rated only together with its charges.
   */
  markRated(em: EntityManager, subscriptionIds: string[], periodEnd: Date): Promise<RatedCycle[]> {
    return em.query(
      `WITH r AS (
         UPDATE cycles c SET status = 'rated', rated_at = now()
         FROM plans p, subscriptions s, accounts a
         WHERE c.subscription_id = ANY($1::uuid[]) AND c.status = ANY($3) AND c.end_at <= $2
           AND p.code = c.plan_code AND s.id = c.subscription_id AND a.id = s.account_id
         RETURNING c.id, c.subscription_id, c.start_at, c.period, c.plan_code, p.name AS plan_name, c.fee_fen, c.allowance_credits,
                   c.overage_credits, p.overage_mode, p.overage_rate_per_million_fen, p.overage_cap_fen, s.account_id, a.external_ref
       )
       SELECT * FROM r ORDER BY subscription_id, start_at`,
      [subscriptionIds, periodEnd.toISOString(), CYCLES.sourcesOf('rated')],
    );
  }
}
