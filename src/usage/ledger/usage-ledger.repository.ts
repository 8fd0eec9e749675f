import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MembershipSpan } from '../event-screening';
import { UsageEvent } from '../usage-event';
import { UnrecordableRow } from '../unrecordable-event';
import { UNRECORDABLE } from '../rejection-reason';
import { periodsSpanning } from '../../billing-rules';

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
   *
   * The same statement appends the batch's provider usage parts: one row per (model, rate version,
   * period) summing the ledger rows it inserted (RETURNING), so a provider statement never has to
   * aggregate the ledger and no shared counter row is updated. Periods follow billing-rules: the
   * batch's periods and their starts come from periodsSpanning, and width_bucket places each row's
   * occurred_at among those starts (a row outside them would get a NULL period and fail the insert).
   */
  async insertLedger(em: EntityManager, rows: LedgerRow[], tz: string): Promise<void> {
    if (rows.length === 0) return;
    let first = rows[0].event.occurredAt;
    let last = first;
    for (const r of rows) {
      if (r.event.occurredAt < first) first = r.event.occurredAt;
      if (r.event.occurredAt > last) last = r.event.occurredAt;
    }
    const span = periodsSpanning(first, last, tz);
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
      `WITH inserted AS (
         INSERT INTO usage_ledger (${LEDGER_COLUMNS.map((c) => c.split(' ')[0]).join(', ')})
         SELECT * FROM json_to_recordset($1::json) AS t(${LEDGER_COLUMNS.join(', ')})
         RETURNING model_code, rate_id, occurred_at, input_tokens, output_tokens)
       INSERT INTO provider_usage_parts (model_code, rate_id, period, requests, input_tokens, output_tokens)
       SELECT model_code, rate_id, ($2::text[])[width_bucket(occurred_at, $3::timestamptz[])], count(*), sum(input_tokens), sum(output_tokens)
       FROM inserted GROUP BY 1, 2, 3`,
      [JSON.stringify(doc), span.periods, span.starts.map((d) => d.toISOString())],
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
