import { periodBounds, periodOf } from '../billing-rules';
import { BadInputProblem } from '../common/http/domain.exception';

export interface SummaryRange {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

/**
 * The occurredAt range a usage summary aggregates. Summaries scan the ledger, so the range is always
 * bounded: none given means the current month in the billing time zone; given, both ends are needed
 * and they may span at most `maxDays`.
 */
export function summaryRange(q: { from?: string; to?: string }, now: Date, tz: string, maxDays: number): SummaryRange {
  if (!q.from && !q.to) return toRange(periodBounds(periodOf(now, tz), tz));
  if (!q.from || !q.to) {
    const missing = q.from ? 'to' : 'from';
    throw new BadInputProblem(
      missing,
      `${missing} is required with ${missing === 'to' ? 'from' : 'to'}: a summary covers a bounded range (or the current month when neither is given)`,
    );
  }
  const range = { from: new Date(q.from), to: new Date(q.to) };
  if (range.to.getTime() <= range.from.getTime()) throw new BadInputProblem('to', 'to must be after from');
  if (range.to.getTime() - range.from.getTime() > maxDays * DAY_MS) {
    throw new BadInputProblem('to', `a summary covers at most ${maxDays} days (USAGE_SUMMARY_MAX_DAYS); split the range`);
  }
  return range;
}

function toRange(b: { start: Date; end: Date }): SummaryRange {
  return { from: b.start, to: b.end };
}
