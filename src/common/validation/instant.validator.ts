import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { daysInMonth } from '../../billing-rules';

/**
 * Seconds are required and the offset is explicit, so an instant never depends on a server's zone.
 * At most millisecond precision: instants are stored to the millisecond, and two events differing
 * below it would otherwise be stored equal but hashed as different bodies.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses an ISO-8601 instant with an offset ("2026-11-15T00:00:00+08:00"); null for anything else. */
export function parseInstant(text: unknown): Date | null {
  const m = typeof text === 'string' ? INSTANT.exec(text) : null;
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const [offHour, offMinute] = [Number(m[8] ?? 0), Number(m[9] ?? 0)];
  const calendarOk = year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  const clockOk = hour <= 23 && minute <= 59 && second <= 59 && offHour <= 14 && offMinute <= 59;
  if (!calendarOk || !clockOk) return null;
  const at = new Date(text as string);
  return Number.isNaN(at.getTime()) ? null : at;
}

export const isInstant = (value: unknown): value is string => parseInstant(value) !== null;

export const IsInstant = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: isInstant,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be an ISO-8601 instant with seconds, an offset and at most millisecond precision, e.g. "2026-11-15T00:00:00+08:00"`,
      },
    },
    options,
  );
