import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MembershipSpan } from '../event-screening';
import { UsageEvent } from '../usage-event';
import { UnrecordableRow } from '../unrecordable-event';
import { UNRECORDABLE } from '../rejection-reason';

export interface ClaimedIds {
  claimed: Set<string>;
  existing: Map<string, { bodyHash: string; outcome: 'recorded' | 'rejected' }>;
}

export interface LedgerRow {
  event: UsageEvent;
  subscriptionId: string;
  cycleId: string | null;
  rateId: string;
  credits: number;
  bucketCredits: number;
  overageCredits: number;
  unbilledCredits: number;
  draws: { bucketId: string; credits: number }[];
  late: boolean;
}

export interface RejectedRow {
  event: UsageEvent;
  reason: string;
}

/** The ledger columns a batch writes, with their types, in insert order. */
const LEDGER_COLUMNS = [
  'event_id text',
  'occurred_at timestamptz',
  'subscription_id uuid',
  'subscriber_id text',
  'cycle_id uuid',
  'model_code text',
  'rate_id uuid',
  'input_tokens bigint',
  'output_tokens bigint',
  'credits bigint',
  'bucket_credits bigint',
  'overage_credits bigint',
  'unbilled_credits bigint',
  'draws jsonb',
  'late boolean',
  'request_id text',
  'reservation_id text',
  'metadata jsonb',
];

/**
 * Set-based SQL of the usage ledger: one statement per step of a batch, never one per event.
 * Rows are passed as parallel arrays through unnest().
 */
@Injectable()
export class UsageLedgerRepository {
  /**
   * Claims event ids in eventId order (so two batches sharing ids wait on each other instead of
   * deadlocking). An id claimed by a concurrent batch blocks here until that batch commits.
   */
  async claimEventIds(em: EntityManager, events: UsageEvent[]): Promise<ClaimedIds> {
    const sorted = [...events].sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    const rows: { event_id: string }[] = await em.query(
      `INSERT INTO usage_event_ids (event_id, body_hash, outcome)
       SELECT id, h, 'recorded' FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(id, h, n) ORDER BY n
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [sorted.map((e) => e.eventId), sorted.map((e) => e.bodyHash)],
    );
    const claimed = new Set(rows.map((r) => r.event_id));
    const others = sorted.filter((e) => !claimed.has(e.eventId)).map((e) => e.eventId);
    const existing = new Map<string, { bodyHash: string; outcome: 'recorded' | 'rejected' }>();
    if (others.length > 0) {
      const found: { event_id: string; body_hash: string; outcome: 'recorded' | 'rejected' }[] = await em.query(
        `SELECT event_id, body_hash, outcome FROM usage_event_ids WHERE event_id = ANY($1::text[]) FOR UPDATE`,
        [others],
      );
      for (const f of found) existing.set(f.event_id, { bodyHash: f.body_hash, outcome: f.outcome });
    }
    return { claimed, existing };
  }

  async memberships(em: EntityManager, subscriberIds: string[]): Promise<Map<string, MembershipSpan[]>> {
    const rows: { subscriber_id: string; subscription_id: string; added_at: Date; removed_at: Date | null }[] = await em.query(
      `SELECT subscriber_id, subscription_id, added_at, removed_at FROM members WHERE subscriber_id = ANY($1::text[])`,
      [subscriberIds],
    );
    const out = new Map<string, MembershipSpan[]>();
    for (const r of rows) {
      const list = out.get(r.subscriber_id) ?? [];
      list.push({ subscriptionId: r.subscription_id, addedAt: r.added_at, removedAt: r.removed_at });
      out.set(r.subscriber_id, list);
    }
    return out;
  }

  /**
   * The batch's rows travel as one JSON document (JSON.stringify is native; encoding eighteen
   * PostgreSQL arrays element by element was a tenth of the worker's CPU in the ingest profile).
   */
  async insertLedger(em: EntityManager, rows: LedgerRow[]): Promise<void> {
    if (rows.length === 0) return;
    const doc = rows.map((r) => ({
      event_id: r.event.eventId,
      occurred_at: r.event.occurredAt.toISOString(),
      subscription_id: r.subscriptionId,
      subscriber_id: r.event.subscriberId,
      cycle_id: r.cycleId,
      model_code: r.event.model,
      rate_id: r.rateId,
      input_tokens: r.event.inputTokens,
      output_tokens: r.event.outputTokens,
      credits: r.credits,
      bucket_credits: r.bucketCredits,
      overage_credits: r.overageCredits,
      unbilled_credits: r.unbilledCredits,
      draws: r.draws,
      late: r.late,
      request_id: r.event.requestId,
      reservation_id: r.event.reservationId,
      metadata: r.event.metadata,
    }));
    await em.query(
      `INSERT INTO usage_ledger (${LEDGER_COLUMNS.map((c) => c.split(' ')[0]).join(', ')})
       SELECT * FROM json_to_recordset($1::json) AS t(${LEDGER_COLUMNS.join(', ')})`,
      [JSON.stringify(doc)],
    );
  }

  /** Rejections are idempotent per (eventId, body): a replayed conflicting event is stored once. */
  async insertRejected(em: EntityManager, rows: RejectedRow[]): Promise<void> {
    if (rows.length === 0) return;
    await em.query(
      `INSERT INTO rejected_usage (event_id, body_hash, subscriber_id, reason, event)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
       ON CONFLICT (event_id, body_hash) DO NOTHING`,
      [
        rows.map((r) => r.event.eventId),
        rows.map((r) => r.event.bodyHash),
        rows.map((r) => r.event.subscriberId),
        rows.map((r) => r.reason),
        rows.map((r) => JSON.stringify(r.event.raw)),
      ],
    );
  }

  /** Idempotent like insertRejected: the body hash is over the stored text. */
  async insertUnrecordable(em: EntityManager, rows: UnrecordableRow[]): Promise<void> {
    if (rows.length === 0) return;
    await em.query(
      `INSERT INTO rejected_usage (event_id, body_hash, subscriber_id, reason, event_text)
       SELECT i, h, s, '${UNRECORDABLE}', t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(i, h, s, t)
       ON CONFLICT (event_id, body_hash) DO NOTHING`,
      [rows.map((r) => r.eventId), rows.map((r) => r.bodyHash), rows.map((r) => r.subscriberId), rows.map((r) => r.eventText)],
    );
  }

  async setOutcome(em: EntityManager, eventIds: string[], outcome: 'recorded' | 'rejected'): Promise<void> {
    if (eventIds.length === 0) return;
    await em.query(`UPDATE usage_event_ids SET outcome = $2 WHERE event_id = ANY($1::text[])`, [eventIds, outcome]);
  }

  /**
   * Creates the monthly ledger partitions from this month to `monthsAhead` ahead (UTC months), so
   * that rows never pile up in the default partition. Creating a month that exists is a no-op.
   */
  async ensurePartitions(em: EntityManager, monthsAhead: number): Promise<void> {
    await em.query(
      `SELECT ensure_usage_ledger_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date)
       FROM generate_series(0, $1::int) AS m`,
      [monthsAhead],
    );
  }
}
