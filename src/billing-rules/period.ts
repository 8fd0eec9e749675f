import { BillingRuleError } from './billing-rule-error';

/** A billing period: one calendar month, written 'YYYY-MM'. */
export interface YearMonth {
  year: number;
  month: number; // 1..12
}

export const MIN_PERIOD_YEAR = 2000;
export const MAX_PERIOD_YEAR = 9999;

const PERIOD_TEXT = /^([0-9]{4})-([0-9]{2})$/;

/** Parses 'YYYY-MM' (month 01..12, year 2000..9999); null for anything else. */
export function parsePeriod(text: string): YearMonth | null {
  if (typeof text !== 'string') return null;
  const match = PERIOD_TEXT.exec(text);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (year < MIN_PERIOD_YEAR || year > MAX_PERIOD_YEAR || month < 1 || month > 12) return null;
  return { year, month };
}

/** Formats a year and month as 'YYYY-MM'; throws INVALID_PERIOD outside the parsePeriod range. */
export function formatPeriod(year: number, month: number): string {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  if (!Number.isInteger(year) || !Number.isInteger(month) || parsePeriod(text) === null) {
    throw new BillingRuleError('INVALID_PERIOD', `no billing period for year ${year}, month ${month}`);
  }
  return text;
}

/** Parses a period or throws INVALID_PERIOD. */
export function requirePeriod(text: string): YearMonth {
  const parsed = parsePeriod(text);
  if (parsed === null) {
    throw new BillingRuleError('INVALID_PERIOD', `period must be 'YYYY-MM' (2000-01..9999-12), got ${String(text)}`);
  }
  return parsed;
}

/** True for Gregorian leap years: divisible by 4, except centuries not divisible by 400. */
export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Number of days in a month of the proleptic Gregorian calendar (28..31); month is 1..12. */
export function daysInMonth(year: number, month: number): number {
  if (!Number.isSafeInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new BillingRuleError('INVALID_PERIOD', `no calendar month for year ${year}, month ${month}`);
  }
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The calendar month after the given one. */
export function nextYearMonth({ year, month }: YearMonth): YearMonth {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}
