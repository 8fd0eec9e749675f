import { ValidateBy, ValidationArguments } from 'class-validator';
import { daysInMonth, parseWeight } from '../../billing-rules';

export const CATALOG_STATUSES = ['active', 'retired'] as const;

/** A weight as a decimal string > 0 with at most 4 fractional digits; the rule is billing-rules' parseWeight. */
export const IsWeight = () =>
  ValidateBy({
    name: 'isWeight',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseWeight(value) !== null,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be a decimal string > 0 with at most 4 fractional digits, e.g. "0.25"`,
    },
  });

// Seconds are required and the offset is explicit, so an instant never depends on a server's zone.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses an ISO-8601 instant with an offset ("2026-11-15T00:00:00+08:00"); null for anything else. */
export function parseInstant(text: unknown): Date | null {
  const m = typeof text === 'string' ? INSTANT.exec(text) : null;
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const [offHour, offMinute] = [Number(m[8] ?? 0), Number(m[9] ?? 0)];
  const calendarOk = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  const clockOk = hour <= 23 && minute <= 59 && second <= 59 && offHour <= 14 && offMinute <= 59;
  if (!calendarOk || !clockOk) return null;
  const at = new Date(text as string);
  return Number.isNaN(at.getTime()) ? null : at;
}

export const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => parseInstant(value) !== null,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be an ISO-8601 instant with seconds and an offset, e.g. "2026-11-15T00:00:00+08:00"`,
    },
  });

/**
 * Validates a property against a rule that depends on its sibling properties (e.g. maxMembers
 * depends on kind), so the error is reported on that field together with every other field error.
 */
export function DependsOnSiblings(name: string, check: (value: unknown, dto: Record<string, unknown>) => boolean, message: string) {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => check(value, (args?.object ?? {}) as Record<string, unknown>),
      defaultMessage: () => message,
    },
  });
}
