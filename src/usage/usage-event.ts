import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/json/canonical-json';
import { UsageEventDto } from './dto/usage-event.dto';

/** A validated event with its instant parsed and the hash that decides "identical". */
export interface UsageEvent {
  eventId: string;
  subscriberId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  occurredAt: Date;
  requestId: string | null;
  reservationId: string | null;
  metadata: Record<string, unknown> | null;
  bodyHash: string;
  /** The event as received, kept for rejected usage and retries. */
  raw: UsageEventDto;
}

/**
 * Two events are identical when every field has the same value, with occurredAt compared as an
 * instant and metadata as JSON: the hash covers exactly that normal form.
 */
export function bodyHash(e: UsageEventDto): string {
  const normal = {
    eventId: e.eventId,
    subscriberId: e.subscriberId,
    model: e.model,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    occurredAt: new Date(e.occurredAt).toISOString(),
    requestId: e.requestId ?? null,
    reservationId: e.reservationId ?? null,
    metadata: e.metadata ?? null,
  };
  return createHash('sha256').update(canonicalJson(normal)).digest('hex');
}

export function toUsageEvent(e: UsageEventDto): UsageEvent {
  return {
    eventId: e.eventId,
    subscriberId: e.subscriberId,
    model: e.model,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    occurredAt: new Date(e.occurredAt),
    requestId: e.requestId ?? null,
    reservationId: e.reservationId ?? null,
    metadata: e.metadata ?? null,
    bodyHash: bodyHash(e),
    raw: e,
  };
}

/** Events of one job are applied by occurredAt, ties by eventId. */
export function byOccurrence(a: UsageEvent, b: UsageEvent): number {
  const d = a.occurredAt.getTime() - b.occurredAt.getTime();
  return d !== 0 ? d : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
