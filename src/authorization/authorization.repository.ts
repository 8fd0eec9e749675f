import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { heldCreditsFrom } from '../reservations/held-credits';
import { AuthorizationSnapshot } from './authorization-decision';
import { dbIntOrNull } from '../database/db-integer';
import { BalanceSql } from '../subscriptions/balance-read-model';

interface SnapshotRow {
  subscription_id: string;
  status: AuthorizationSnapshot['status'];
  cycle_end_at: Date | null;
  plan_models: string[];
  overage_mode: AuthorizationSnapshot['overageMode'];
  overage_rate_per_million_fen: string;
  overage_cap_fen: string | null;
  cycle_overage_credits: string | null;
  model_status: AuthorizationSnapshot['modelStatus'];
  bucket_credits: string;
  held_credits: string | number;
  member_used_credits: string | null;
  member_held_credits: string | number;
  monthly_cap_credits: string | null;
}

/*
 * One round trip per authorization, every step an index lookup: members_current_cover_idx
 * (index-only, see its migration), then the primary keys of subscriptions, cycles, plans, models
 * and member_cycle_usage, and buckets_subscription_idx for the balance. A membership ends by setting removed_at to the
 * moment it ends, never to a later instant, so "current" is exactly "removed_at IS NULL".
 * The plan is the current cycle's (a plan change takes effect at the roll); an ended
 * subscription has no cycle and falls back to its own plan.
 * Without a current membership, the latest one answers when it ended because its subscription
 * ended (removed_at at or after the subscription's ended_at): that line gets SUBSCRIPTION_ENDED,
 * while one removed from a pool by a member change stays unknown. The UNION ALL under LIMIT 1 reads
 * that second branch only when the first found nothing, so the hot path is unchanged.
 * Held credits come from held_credits(), the one definition of an active hold (see its migration).
 */
const SNAPSHOT_SQL = `
  SELECT s.id AS subscription_id, s.status, c.end_at AS cycle_end_at,
         p.models AS plan_models, p.overage_mode, p.overage_rate_per_million_fen, p.overage_cap_fen,
         c.overage_credits AS cycle_overage_credits, mo.status AS model_status,
         ${BalanceSql.usableCredits('s.id', '$3')} AS bucket_credits,
         ${BalanceSql.heldCredits('s.id', '$3')} AS held_credits,
         (SELECT u.used_credits FROM member_cycle_usage u
           WHERE u.cycle_id = c.id AND u.subscriber_id = m.subscriber_id) AS member_used_credits,
         ${BalanceSql.heldCredits('s.id', '$3', 'm.subscriber_id')} AS member_held_credits,
         m.monthly_cap_credits
    FROM ((SELECT cur.subscriber_id, cur.subscription_id, cur.monthly_cap_credits, NULL::timestamptz AS removed_at
             FROM members cur WHERE cur.subscriber_id = $1 AND cur.removed_at IS NULL)
          UNION ALL
          (SELECT prev.subscriber_id, prev.subscription_id, prev.monthly_cap_credits, prev.removed_at
             FROM members prev WHERE prev.subscriber_id = $1 AND prev.removed_at IS NOT NULL
            ORDER BY prev.removed_at DESC LIMIT 1)
          LIMIT 1) m
    JOIN subscriptions s ON s.id = m.subscription_id
    LEFT JOIN cycles c ON c.id = s.current_cycle_id
    JOIN plans p ON p.code = COALESCE(c.plan_code, s.plan_code)
    LEFT JOIN models mo ON mo.code = $2
   WHERE m.removed_at IS NULL OR (s.status = 'ended' AND m.removed_at >= s.ended_at)`;

@Injectable()
export class AuthorizationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The subscriber's current membership with its balance as of `now`; else its latest membership
   * if that ended with its subscription; else null.
   * A named prepared statement: as an unnamed one it spent more on planning (~0.5 ms) than on
   * executing (~0.2 ms), on the same cores as the API.
   */
  async snapshot(subscriberId: string, model: string, now: Date, em?: EntityManager): Promise<AuthorizationSnapshot | null> {
    const rows = await preparedQuery<SnapshotRow>(em ?? this.dataSource, 'authorization-snapshot', SNAPSHOT_SQL, [subscriberId, model, now.toISOString()]);
    return rows.length === 0 ? null : toSnapshot(rows[0]);
  }
}

/** bigint and numeric come back as text; the transformer refuses a figure past 2^53 − 1. */
const int = (value: string | number | null): number | null => dbIntOrNull(value, 'authorization figure');

function toSnapshot(r: SnapshotRow): AuthorizationSnapshot {
  return {
    subscriptionId: r.subscription_id,
    status: r.status,
    cycleEndAt: r.cycle_end_at,
    planModels: r.plan_models,
    overageMode: r.overage_mode,
    overageRatePerMillionFen: int(r.overage_rate_per_million_fen) ?? 0,
    overageCapFen: int(r.overage_cap_fen),
    cycleOverageCredits: int(r.cycle_overage_credits) ?? 0,
    modelStatus: r.model_status,
    bucketCredits: int(r.bucket_credits) ?? 0,
    heldCredits: heldCreditsFrom(r.held_credits),
    memberUsedCredits: int(r.member_used_credits) ?? 0,
    memberHeldCredits: heldCreditsFrom(r.member_held_credits),
    monthlyCapCredits: int(r.monthly_cap_credits),
  };
}
