import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictProblem, NotFoundProblem } from '../common/http/domain.exception';
import { Page } from '../common/pagination/pagination';
import { UsageEventDto } from './dto/usage-event.dto';
import { BulkRetryView, RejectedUsageFilter, RejectedUsageQuery, RejectedUsageView } from './dto/rejected-usage.dto';
import { BatchResult, UsageRecorder } from './ledger/usage-recorder.service';
import { toUsageEvent } from './usage-event';
import { UNRECORDABLE } from './rejection-reason';
import { decodeKeyset, encodeKeyset, isIsoInstant } from '../common/pagination/keyset-cursor';

interface Row {
  id: string;
  event_id: string;
  subscriber_id: string | null;
  reason: string;
  event: UsageEventDto | null;
  /** The body as JSON text, for UNRECORDABLE rows PostgreSQL could not hold as jsonb. */
  event_text: string | null;
  received_at: Date;
  retried_at: Date | null;
  retry_outcome: string | null;
}

const RETRY_CHUNK = 500;

/** How far a bulk retry has gone: its totals so far and the last rejected-usage id it covered. */
export interface RetryCheckpoint extends BulkRetryView {
  after: string;
}

export const FIRST_CHECKPOINT: RetryCheckpoint = { retried: 0, recorded: 0, stillRejected: 0, after: '00000000-0000-0000-0000-000000000000' };

/**
 * Rejected usage is kept forever; a retry re-checks the stored event as if it arrived now,
 * through the same exactly-once recorder, and marks the row in the same transaction.
 */
@Injectable()
export class RejectedUsageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recorder: UsageRecorder,
  ) {}

  async list(q: RejectedUsageQuery): Promise<Page<RejectedUsageView>> {
    const limit = q.limit ?? 50;
    const after = q.cursor ? decodeKeyset(q.cursor, isIsoInstant) : null;
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM rejected_usage
       WHERE ($1::text IS NULL OR reason = $1) AND ($2::text IS NULL OR subscriber_id = $2)
         AND ($3::timestamptz IS NULL OR (received_at, id) < ($3, $4::uuid))
       ORDER BY received_at DESC, id DESC LIMIT $5`,
      [q.reason ?? null, q.subscriberId ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return { data: data.map(toView), nextCursor: rows.length > limit && last ? encodeKeyset(last.received_at.toISOString(), last.id) : null };
  }

  async retryOne(id: string): Promise<RejectedUsageView> {
    const [row]: Row[] = await this.dataSource.query(`SELECT * FROM rejected_usage WHERE id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Rejected usage', id);
    if (row.reason === 'DUPLICATE_CONFLICT') {
      throw new ConflictProblem('NOT_RETRYABLE', 'A DUPLICATE_CONFLICT event is never retried: its eventId belongs to another body');
    }
    if (row.reason === UNRECORDABLE) {
      throw new ConflictProblem('NOT_RETRYABLE', 'An UNRECORDABLE event is never retried: its body is what cannot be recorded; send a corrected event');
    }
    await this.retryRows([row]);
    const [after]: Row[] = await this.dataSource.query(`SELECT * FROM rejected_usage WHERE id = $1`, [id]);
    return toView(after);
  }

  /**
   * Retries every matching row not yet recorded, in chunks by id, each chunk one exactly-once
   * batch. `from` resumes a retry that was interrupted; `onChunk` learns the checkpoint after each
   * committed chunk, so a killed job restarts where it stopped.
   */
  async retryMatching(
    filter: RejectedUsageFilter,
    from: RetryCheckpoint = FIRST_CHECKPOINT,
    onChunk?: (c: RetryCheckpoint) => Promise<void>,
  ): Promise<BulkRetryView> {
    const total: BulkRetryView = { retried: from.retried, recorded: from.recorded, stillRejected: from.stillRejected };
    let after = from.after;
    for (;;) {
      const rows: Row[] = await this.dataSource.query(
        `SELECT * FROM rejected_usage
         WHERE reason NOT IN ('DUPLICATE_CONFLICT', '${UNRECORDABLE}') AND retry_outcome IS DISTINCT FROM 'recorded'
           AND ($1::text IS NULL OR reason = $1) AND ($2::text IS NULL OR subscriber_id = $2) AND id > $3
         ORDER BY id LIMIT ${RETRY_CHUNK}`,
        [filter.reason ?? null, filter.subscriberId ?? null, after],
      );
      if (rows.length === 0) return total;
      const result = await this.retryRows(rows);
      total.retried += rows.length;
      total.recorded += result.recorded;
      total.stillRejected += rows.length - result.recorded;
      after = rows[rows.length - 1].id;
      await onChunk?.({ ...total, after });
    }
  }

  private async retryRows(rows: Row[]): Promise<BatchResult> {
    const events = rows.map((r) => toUsageEvent(r.event!));
    return this.recorder.record(events, {
      retry: true,
      afterRecord: (em, result) => markRetried(em, rows, result),
    });
  }
}

/**
 * In a retry, "duplicate" means the event is already in the ledger (a concurrent retry won):
 * the row's outcome is then "recorded" either way.
 */
async function markRetried(em: EntityManager, rows: Row[], result: BatchResult): Promise<void> {
  await em.query(
    `UPDATE rejected_usage r SET retried_at = now(), retry_outcome = o.outcome
     FROM unnest($1::uuid[], $2::text[]) AS o(id, outcome) WHERE r.id = o.id`,
    [rows.map((r) => r.id), rows.map((r) => retryOutcome(result, r.event_id))],
  );
}

function retryOutcome(result: BatchResult, eventId: string): string {
  const outcome = result.outcomes.get(eventId) ?? 'duplicate';
  return outcome === 'duplicate' ? 'recorded' : outcome;
}

function toView(r: Row): RejectedUsageView {
  return {
    id: r.id,
    eventId: r.event_id,
    subscriberId: r.subscriber_id,
    reason: r.reason,
    event: (r.event ?? JSON.parse(r.event_text ?? 'null')) as Record<string, unknown>,
    receivedAt: r.received_at.toISOString(),
    retriedAt: r.retried_at ? r.retried_at.toISOString() : null,
    retryOutcome: r.retry_outcome,
  };
}
