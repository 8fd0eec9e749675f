import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { BillingRuleError } from './billing-rule-error';
import { assertValidDate } from './input-guards';
import { daysInMonth } from './period';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Wall-clock calendar date of an instant in a time zone. */
export interface LocalDate {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
}

const HOUR_MS = 3_600_000;
// Wider than any real UTC offset (-12h..+14h), so the search window always brackets midnight.
const SEARCH_WINDOW_MS = 36 * HOUR_MS;
const checkedZones = new Set<string>();

/** Asserts `tz` is an IANA time zone name known to the runtime. */
export function assertTimeZone(tz: string): void {
  if (checkedZones.has(tz)) return;
  try {
    if (typeof tz !== 'string' || tz === '') throw new RangeError('empty');
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new BillingRuleError('INVALID_TIME_ZONE', `unknown time zone: ${String(tz)}`);
  }
  checkedZones.add(tz);
}

// 400 Gregorian years are exactly 146,097 days, so calendars and far-future zone rules repeat.
const GREGORIAN_CYCLE_MS = 146_097 * 24 * HOUR_MS;
const YEAR_10000_MS = Date.UTC(10000, 0, 1);

/** UTC offset of `tz` at instant `ms`, in milliseconds (local = UTC + offset). */
function offsetMs(ms: number, tz: string): number {
  // Why: dayjs parses 5-digit years in the host zone, which would skew the end of period
  // 9999-12 by the server's offset; read the same rule 400 years earlier instead.
  if (ms >= YEAR_10000_MS) return offsetMs(ms - GREGORIAN_CYCLE_MS, tz);
  return dayjs(ms).tz(tz).utcOffset() * 60_000;
}

/** Calendar date of `ms` in `tz`, independent of the host's own time zone. */
function localDateAt(ms: number, tz: string): LocalDate {
  // Why not read the fields of dayjs().tz() directly: that path re-parses a string in the
  // host time zone; shifting by the offset and reading in UTC cannot be bent by the host.
  const wall = dayjs.utc(ms + offsetMs(ms, tz));
  return { year: wall.year(), month: wall.month() + 1, day: wall.date() };
}

/** Calendar date of `instant` as seen on a wall clock in `tz`. */
export function localDate(instant: Date, tz: string): LocalDate {
  assertValidDate(instant, 'instant');
  assertTimeZone(tz);
  return localDateAt(instant.getTime(), tz);
}

function assertCalendarDate({ year, month, day }: LocalDate): void {
  const valid = Number.isInteger(day) && day >= 1 && day <= daysInMonth(year, month);
  if (!valid) throw new BillingRuleError('INVALID_DATE', `no such calendar date: ${year}-${month}-${day}`);
}

function dateKey({ year, month, day }: LocalDate): number {
  return year * 10_000 + month * 100 + day;
}

/**
 * The first instant whose local date in `tz` is `date` or later, i.e. local 00:00 of that day.
 *
 * Why not dayjs.tz('YYYY-MM-DD 00:00', tz): it settles ambiguous wall times using the offset in
 * force *now*, so when midnight occurs twice (America/Havana, 2026-11-01) the cycle start would
 * depend on when the code runs. Here the earliest instant always wins, and a skipped midnight
 * (America/Asuncion, 2023-10-01) yields the first instant of that day.
 */
export function startOfLocalDay(date: LocalDate, tz: string): Date {
  assertTimeZone(tz);
  assertCalendarDate(date);
  const target = dateKey(date);
  const reached = (ms: number): boolean => dateKey(localDateAt(ms, tz)) >= target;
  const asUtc = Date.UTC(date.year, date.month - 1, date.day);
  const guess = asUtc - offsetMs(asUtc - offsetMs(asUtc, tz), tz);
  if (reached(guess) && !reached(guess - 1)) return new Date(guess);
  return new Date(firstReached(asUtc - SEARCH_WINDOW_MS, asUtc + SEARCH_WINDOW_MS, reached));
}

/** Binary search for the smallest ms in (low, high] where the monotone predicate holds. */
function firstReached(low: number, high: number, reached: (ms: number) => boolean): number {
  let lo = low;
  let hi = high;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
