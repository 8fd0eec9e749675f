import { PackValidityKind } from '../catalog/entities/pack.entity';

const DAY_MS = 24 * 3600 * 1000;

/**
 * When a pack bought at `purchasedAt` expires: at the end of the cycle it was bought in for
 * validity 'cycle', or exactly days × 24 h later for 'days' (elapsed hours, not calendar days,
 * so a daylight-saving change in the billing zone never shortens a pack).
 */
export function topupExpiry(kind: PackValidityKind, days: number | null, cycleEnd: Date, purchasedAt: Date): Date {
  if (kind === 'cycle') return cycleEnd;
  if (!Number.isSafeInteger(days) || (days as number) < 1) throw new RangeError(`a 'days' pack needs days >= 1, got ${String(days)}`);
  return new Date(purchasedAt.getTime() + (days as number) * DAY_MS);
}
