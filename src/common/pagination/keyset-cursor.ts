import { BadInputProblem } from '../http/domain.exception';
import { parseInstant } from '../validation/instant.validator';

/** Opaque cursors for raw-SQL keyset lists: a sort value and a tie-breaker. */
export function encodeKeyset(sortValue: string, tieBreaker: string): string {
  return Buffer.from(JSON.stringify([sortValue, tieBreaker]), 'utf8').toString('base64url');
}

/** Decodes a cursor; `isSortValue` rejects a forged sort value before it reaches SQL. */
export function decodeKeyset(
  cursor: string,
  isSortValue: (v: string) => boolean = () => true,
  isTieBreaker: (v: string) => boolean = isUuid,
): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string') && isSortValue(parsed[0]) && isTieBreaker(parsed[1])) {
      return parsed as [string, string];
    }
  } catch {
    /* the 400 below */
  }
  throw new BadInputProblem('cursor', 'cursor is not a cursor returned by this list');
}

/** A real calendar instant (no 30 February, no year 0) that PostgreSQL accepts as a timestamptz. */
export const isIsoInstant = (v: string) => parseInstant(v) !== null;
/** A sequence number that fits PostgreSQL's bigint. */
export const isBigintText = (v: string) => /^\d{1,19}$/.test(v) && BigInt(v) <= 9223372036854775807n;
export const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
