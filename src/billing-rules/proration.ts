import { BillingRuleError } from './billing-rule-error';
import { assertCount, assertValidDate, toSafeNumber } from './input-guards';
import { localDate } from './local-time';
import { periodBounds } from './billing-cycle';
import { daysInMonth as monthLength, formatPeriod } from './period';
import { roundHalfUp } from './round-half-up';

/** The prorated fee and allowance of a partial cycle. */
export interface ProratedTerms {
  feeFen: number;
  allowanceCredits: number;
}

/** The first (possibly partial) cycle of a subscription starting at `start`. */
export interface FirstCycleTerms extends ProratedTerms {
  start: Date;
  end: Date;
  period: string;
  daysRemaining: number;
  daysInMonth: number;
}

/**
 * Prorates by days: fee = roundHalfUp(fee × daysRemaining / daysInMonth),
 * allowance = floor(allowance × daysRemaining / daysInMonth).
 * Why floor for credits: never grant more allowance than was paid for.
 */
export function prorate(monthlyFeeFen: number, allowanceCredits: number, daysRemaining: number, daysInMonth: number): ProratedTerms {
  assertCount(monthlyFeeFen, 'monthlyFeeFen');
  assertCount(allowanceCredits, 'allowanceCredits');
  assertCount(daysRemaining, 'daysRemaining');
  assertCount(daysInMonth, 'daysInMonth');
  if (daysRemaining < 1 || daysRemaining > daysInMonth) {
    throw new BillingRuleError('INVALID_PRORATION', `daysRemaining must be 1..daysInMonth, got ${daysRemaining} of ${daysInMonth}`);
  }
  const days = BigInt(daysRemaining);
  const total = BigInt(daysInMonth);
  return {
    feeFen: toSafeNumber(roundHalfUp(BigInt(monthlyFeeFen) * days, total), 'feeFen'),
    allowanceCredits: toSafeNumber((BigInt(allowanceCredits) * days) / total, 'allowanceCredits'),
  };
}

/**
 * First-cycle terms of a subscription starting at `startAt`: the cycle runs from `startAt` to the
 * next local 1st 00:00 in `tz`; daysRemaining = daysInMonth − local day of month + 1, so any start
 * on the 1st pays the full fee and gets the full allowance.
 */
export function firstCycleTerms(startAt: Date, tz: string, monthlyFeeFen: number, allowanceCredits: number): FirstCycleTerms {
  assertValidDate(startAt, 'startAt');
  const local = localDate(startAt, tz);
  const period = formatPeriod(local.year, local.month);
  const monthDays = monthLength(local.year, local.month);
  const daysRemaining = monthDays - local.day + 1;
  const prorated = prorate(monthlyFeeFen, allowanceCredits, daysRemaining, monthDays);
  return {
    start: new Date(startAt.getTime()),
    end: periodBounds(period, tz).end,
    period,
    daysRemaining,
    daysInMonth: monthDays,
    ...prorated,
  };
}
