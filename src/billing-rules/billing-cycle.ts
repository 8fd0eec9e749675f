import { BillingRuleError } from './billing-rule-error';
import { assertValidDate } from './input-guards';
import { assertTimeZone, localDate, startOfLocalDay } from './local-time';
import { formatPeriod, nextYearMonth, requirePeriod } from './period';

/** A billing cycle: the calendar month `period` in the billing time zone, as [start, end). */
export interface BillingCycle {
  start: Date;
  end: Date;
  period: string;
}

interface KnownCycle {
  period: string;
  startMs: number;
  endMs: number;
}

// Why a cache: one dayjs time-zone conversion costs ~0.1 ms and the ledger asks for the cycle of
// every usage event. Cycles tile the timeline, so a cycle already computed answers every instant
// inside it without touching the time-zone database. Callers always get fresh Date objects.
const CYCLES_PER_ZONE = 36;
const knownCycles = new Map<string, KnownCycle[]>();

function remember(tz: string, cycle: KnownCycle): KnownCycle {
  const list = knownCycles.get(tz) ?? [];
  list.push(cycle);
  if (list.length > CYCLES_PER_ZONE) list.shift();
  knownCycles.set(tz, list);
  return cycle;
}

function cycleOfPeriod(period: string, tz: string): KnownCycle {
  assertTimeZone(tz);
  const known = knownCycles.get(tz)?.find((cycle) => cycle.period === period);
  if (known !== undefined) return known;
  const month = requirePeriod(period);
  const startMs = startOfLocalDay({ ...month, day: 1 }, tz).getTime();
  const endMs = startOfLocalDay({ ...nextYearMonth(month), day: 1 }, tz).getTime();
  return remember(tz, { period, startMs, endMs });
}

function cycleOfInstant(instant: Date, tz: string): KnownCycle {
  assertValidDate(instant, 'instant');
  assertTimeZone(tz);
  const t = instant.getTime();
  const known = knownCycles.get(tz)?.find((cycle) => cycle.startMs <= t && t < cycle.endMs);
  if (known !== undefined) return known;
  const { year, month } = localDate(instant, tz);
  return cycleOfPeriod(formatPeriod(year, month), tz);
}

function toBillingCycle({ period, startMs, endMs }: KnownCycle): BillingCycle {
  return { start: new Date(startMs), end: new Date(endMs), period };
}

/** 'YYYY-MM' of the local month containing `instant` in `tz`. */
export function periodOf(instant: Date, tz: string): string {
  return cycleOfInstant(instant, tz).period;
}

/** [local 1st 00:00, next local 1st 00:00) of `period` in `tz`. */
export function periodBounds(period: string, tz: string): { start: Date; end: Date } {
  const { start, end } = toBillingCycle(cycleOfPeriod(period, tz));
  return { start, end };
}

/** The billing cycle (local calendar month in `tz`) containing `instant`. */
export function cycleContaining(instant: Date, tz: string): BillingCycle {
  return toBillingCycle(cycleOfInstant(instant, tz));
}

/** The cycle that starts at `cycleEnd`; throws NOT_A_CYCLE_BOUNDARY if no cycle ends there. */
export function nextCycle(cycleEnd: Date, tz: string): BillingCycle {
  const cycle = cycleContaining(cycleEnd, tz);
  // Why strict: chaining from a non-boundary instant would silently skip or overlap days.
  if (cycle.start.getTime() !== cycleEnd.getTime()) {
    throw new BillingRuleError('NOT_A_CYCLE_BOUNDARY', `${cycleEnd.toISOString()} is not the start of a billing cycle in ${tz}`);
  }
  return cycle;
}

/** Consecutive billing periods with the instant each starts at, for bucketing instants set-wise. */
export interface PeriodSpan {
  /** Every period from the one containing `first` to the one containing `last`, in order. */
  periods: string[];
  /** starts[i] is the local 1st 00:00 of periods[i]; each period ends where the next starts. */
  starts: Date[];
}

/**
 * The periods covering [first, last] in `tz`, contiguous, so that an instant t in that range lies
 * in periods[i] exactly when starts[i] <= t < starts[i + 1] (the last one ends after `last`).
 * Why: SQL can then attribute rows to periods by this rule (width_bucket over `starts`) without a
 * second, SQL-side time-zone rule.
 */
export function periodsSpanning(first: Date, last: Date, tz: string): PeriodSpan {
  assertValidDate(first, 'first');
  assertValidDate(last, 'last');
  if (last.getTime() < first.getTime()) throw new BillingRuleError('INVALID_DATE', 'last must not be before first');
  const periods: string[] = [];
  const starts: Date[] = [];
  let cycle = cycleOfInstant(first, tz);
  const lastMs = last.getTime();
  for (;;) {
    periods.push(cycle.period);
    starts.push(new Date(cycle.startMs));
    if (lastMs < cycle.endMs) return { periods, starts };
    cycle = cycleOfInstant(new Date(cycle.endMs), tz);
  }
}
