import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Plan } from '../catalog/entities/plan.entity';
import { heldCreditsFrom } from '../reservations/held-credits';
import { AlertCandidate, UsageFacts } from './alert-rules';
import { dbInt, dbIntOrNull } from '../database/db-integer';
import { BalanceSql, spendable } from '../subscriptions/balance-read-model';

interface FactsRow {
  subscription_id: string;
  cycle_id: string;
  allowance_credits: string;
  overage_credits: string;
  overage_mode: Plan['overageMode'];
  overage_rate_per_million_fen: string;
  overage_cap_fen: string | null;
  used_credits: string;
  remaining_credits: string;
  held_credits: string;
  members: { subscriber_id: string; used: string; held: string; cap: string }[] | null;
}

export interface ExpiredTopupRow {
  id: string;
  subscription_id: string;
  cycle_id: string;
  granted_credits: string;
  expires_at: Date;
  purchase_id: string | null;
  pack_code: string | null;
}

/** Looked back over by the expiry scan: long enough to survive a worker outage, short enough to stay an index range. */
const EXPIRY_LOOKBACK_MS = 7 * 24 * 3600 * 1000;

/** Set-based SQL of the alerts table: one statement per step, whatever the number of subscriptions. */
@Injectable()
export class AlertsRepository {
  async usageFacts(em: EntityManager, subscriptionIds: string[], now: Date): Promise<UsageFacts[]> {
    const rows: FactsRow[] = await em.query(
      `SELECT s.id AS subscription_id, c.id AS cycle_id, c.allowance_credits, c.overage_credits,
              p.overage_mode, p.overage_rate_per_million_fen, p.overage_cap_fen,
              (SELECT COALESCE(SUM(u.used_credits), 0) FROM member_cycle_usage u WHERE u.cycle_id = c.id) AS used_credits,
              ${BalanceSql.usableCredits('s.id', '$2')} AS remaining_credits,
              ${BalanceSql.heldCredits('s.id', '$2')} AS held_credits,
              (SELECT json_agg(json_build_object('subscriber_id', m.subscriber_id, 'used', u.used_credits::text, 'cap', m.monthly_cap_credits::text,
                                                 'held', ${BalanceSql.heldCredits('s.id', '$2', 'm.subscriber_id')}::text))
                 FROM members m JOIN member_cycle_usage u ON u.cycle_id = c.id AND u.subscriber_id = m.subscriber_id
                WHERE m.subscription_id = s.id AND m.removed_at IS NULL AND m.monthly_cap_credits IS NOT NULL) AS members
         FROM subscriptions s
         JOIN cycles c ON c.id = s.current_cycle_id
         JOIN plans p ON p.code = c.plan_code
        WHERE s.id = ANY($1::uuid[])`,
      [subscriptionIds, now.toISOString()],
    );
    return rows.map(toFacts);
  }

  /** Inserts what is new and returns the ids of the alerts this call created; the rest already existed. */
  async insertNew(em: EntityManager, candidates: AlertCandidate[]): Promise<string[]> {
    if (candidates.length === 0) return [];
    const rows: { id: string }[] = await em.query(
      `INSERT INTO alerts (subscription_id, cycle_id, kind, subject, data)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[])
       ON CONFLICT (subscription_id, cycle_id, kind, subject) DO NOTHING RETURNING id`,
      [
        candidates.map((c) => c.subscriptionId),
        candidates.map((c) => c.cycleId),
        candidates.map((c) => c.kind),
        candidates.map((c) => c.subject),
        candidates.map((c) => JSON.stringify(c.data)),
      ],
    );
    return rows.map((r) => r.id);
  }

  /** Topup buckets that expired untouched and have no alert yet, in id order so concurrent scans never deadlock. */
  async expiredUnusedTopups(em: EntityManager, now: Date, limit: number): Promise<ExpiredTopupRow[]> {
    return em.query(
      `SELECT b.id, b.subscription_id, b.cycle_id, b.granted_credits, b.expires_at, t.id AS purchase_id, t.pack_code
         FROM buckets b
         LEFT JOIN topups t ON t.bucket_id = b.id
        WHERE b.kind = 'topup' AND b.remaining_credits = b.granted_credits
          AND b.expires_at <= $1 AND b.expires_at > $2
          AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.subscription_id = b.subscription_id AND a.cycle_id = b.cycle_id
                             AND a.kind = 'TOPUP_EXPIRED_UNUSED' AND a.subject = b.id::text)
        ORDER BY b.id LIMIT $3`,
      [now.toISOString(), new Date(now.getTime() - EXPIRY_LOOKBACK_MS).toISOString(), limit],
    );
  }
}

function toFacts(r: FactsRow): UsageFacts {
  return {
    subscriptionId: r.subscription_id,
    cycleId: r.cycle_id,
    allowanceCredits: dbInt(r.allowance_credits, 'cycle allowance_credits'),
    usedCredits: dbInt(r.used_credits, 'cycle used credits'),
    // Held credits count as spent here as in authorization: the alert says what can be spent now.
    remainingCredits: spendable(r.remaining_credits, r.held_credits).remainingCredits,
    overage: {
      mode: r.overage_mode,
      ratePerMillionFen: dbInt(r.overage_rate_per_million_fen, 'plan overage rate'),
      capFen: dbIntOrNull(r.overage_cap_fen, 'plan overage cap'),
    },
    overageCredits: dbInt(r.overage_credits, 'cycle overage_credits'),
    members: (r.members ?? []).map((m) => ({
      subscriberId: m.subscriber_id,
      usedCredits: dbInt(m.used, 'member used credits'),
      heldCredits: heldCreditsFrom(m.held),
      monthlyCapCredits: dbInt(m.cap, 'member monthly cap'),
    })),
  };
}
