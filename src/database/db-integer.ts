/**
 * The one conversion of integers PostgreSQL returns as text (bigint, numeric, sums and counts) into
 * JSON-safe numbers. Money, credits and tokens travel as JSON numbers, so a value beyond 2^53 − 1
 * would be rounded silently by `Number()`; here it is refused, naming what it was.
 */
export class DbIntegerError extends RangeError {}

export function dbInt(value: string | number | bigint | null | undefined, what: string): number {
  if (value === null || value === undefined) throw new DbIntegerError(`${what} is missing`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new DbIntegerError(`${what} ${value} is not an integer within 2^53 - 1`);
    return value;
  }
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text)) throw new DbIntegerError(`${what} ${text} is not an integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new DbIntegerError(`${what} ${text} exceeds 2^53 - 1`);
  return n;
}

export function dbIntOrNull(value: string | number | bigint | null | undefined, what: string): number | null {
  return value === null || value === undefined ? null : dbInt(value, what);
}

/** A column that may be NULL when nothing was summed (COALESCE in SQL is often forgotten). */
export function dbIntOrZero(value: string | number | bigint | null | undefined, what: string): number {
  return value === null || value === undefined ? 0 : dbInt(value, what);
}
