import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { decodeKeyset, encodeKeyset, isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page } from '../common/pagination/pagination';
import { EVENT_ID_PATTERN } from '../common/validation/text.validators';
import { UsageEntryView, UsageFilter, UsageQuery, UsageSummaryQuery, UsageSummaryRow } from './dto/usage-query.dto';
import { summaryRange } from './summary-range';
import { dbIntOrZero } from '../database/db-integer';
import { Clock } from '../common/clock/clock';

/** Filters shared by the list and the summaries; `accountId` confines a scoped partner key. */
function where(f: UsageFilter, accountId: string | undefined, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (f.subscriberId) add('l.subscriber_id = ?', f.subscriberId);
  if (f.subscriptionId) add('l.subscription_id = ?', f.subscriptionId);
  if (f.model) add('l.model_code = ?', f.model);
  if (f.from) add('l.occurred_at >= ?', new Date(f.from).toISOString());
  if (f.to) add('l.occurred_at < ?', new Date(f.to).toISOString());
  if (accountId) add('l.subscription_id IN (SELECT id FROM subscriptions WHERE account_id = ?)', accountId);
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

const n = (v: string | number | null) => dbIntOrZero(v, 'usage figure');

@Injectable()
export class UsageQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async list(q: UsageQuery, accountId?: string): Promise<Page<UsageEntryView>> {
    const params: unknown[] = [];
    let sql = where(q, accountId, params);
    if (q.cursor) {
      const [at, eventId] = decodeKeyset(q.cursor, isIsoInstant, (v) => EVENT_ID_PATTERN.test(v));
      params.push(at, eventId);
      sql += `${sql ? ' AND' : 'WHERE'} (l.occurred_at, l.event_id) > ($${params.length - 1}::timestamptz, $${params.length})`;
    }
    const limit = q.limit ?? 50;
    const rows: Record<string, string | boolean | Date | null>[] = await this.dataSource.query(
      `SELECT * FROM usage_ledger l ${sql} ORDER BY l.occurred_at, l.event_id LIMIT ${limit + 1}`,
      params,
    );
    const data = rows.slice(0, limit).map(toEntry);
    const last = data[data.length - 1];
    return { data, nextCursor: rows.length > limit && last ? encodeKeyset(last.occurredAt, last.eventId) : null };
  }

  async summary(q: UsageSummaryQuery, accountId?: string, now = this.clock.now()): Promise<{ data: UsageSummaryRow[]; from: string; to: string }> {
    const range = summaryRange(q, now, this.config.BILLING_TZ, this.config.USAGE_SUMMARY_MAX_DAYS);
    const params: unknown[] = [];
    const filter = where({ ...q, from: range.from.toISOString(), to: range.to.toISOString() }, accountId, params);
    if (q.groupBy === 'day') params.push(this.config.BILLING_TZ);
    const key = q.groupBy === 'model' ? 'l.model_code' : `to_char(l.occurred_at AT TIME ZONE $${params.length}::text, 'YYYY-MM-DD')`;
    const rows: Record<string, string>[] = await this.dataSource.query(
      `SELECT ${key} AS k, count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              sum(credits) AS credits, sum(overage_credits) AS overage, sum(unbilled_credits) AS unbilled
       FROM usage_ledger l ${filter} GROUP BY 1 ORDER BY 1`,
      params,
    );
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      data: rows.map((r) => ({
        ...(q.groupBy === 'model' ? { model: r.k } : { day: r.k }),
        requests: n(r.requests),
        inputTokens: n(r.input_tokens),
        outputTokens: n(r.output_tokens),
        credits: n(r.credits),
        overageCredits: n(r.overage),
        unbilledCredits: n(r.unbilled),
      })),
    };
  }
}

function toEntry(r: Record<string, string | boolean | Date | null>): UsageEntryView {
  return {
    eventId: r.event_id as string,
    subscriptionId: r.subscription_id as string,
    subscriberId: r.subscriber_id as string,
    model: r.model_code as string,
    inputTokens: n(r.input_tokens as string),
    outputTokens: n(r.output_tokens as string),
    occurredAt: (r.occurred_at as Date).toISOString(),
    credits: n(r.credits as string),
    overageCredits: n(r.overage_credits as string),
    unbilledCredits: n(r.unbilled_credits as string),
    late: r.late as boolean,
    cycleId: r.cycle_id as string | null,
  };
}
