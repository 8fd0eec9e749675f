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
 * instant and metadata as JSON: the hash covers exactly that normal form, the canonical JSON of
 * `{ eventId, inputTokens, metadata, model, occurredAt, outputTokens, requestId, reservationId,
 * subscriberId }` (keys sorted, absent optionals as null). It is written out in that key order
 * here rather than sorted per event: this runs for every event the service receives.
 */
export function bodyHash(e: UsageEventDto, occurredAt = new Date(e.occurredAt)): string {
  const text =
    `{"eventId":${JSON.stringify(e.eventId)},"inputTokens":${JSON.stringify(e.inputTokens)},` +
    `"metadata":${canonicalJson(e.metadata ?? null)},"model":${JSON.stringify(e.model)},` +
    `"occurredAt":${JSON.stringify(occurredAt.toISOString())},"outputTokens":${JSON.stringify(e.outputTokens)},` +
    `"requestId":${JSON.stringify(e.requestId ?? null)},"reservationId":${JSON.stringify(e.reservationId ?? null)},` +
    `"subscriberId":${JSON.stringify(e.subscriberId)}}`;
  return createHash('sha256').update(text).digest('hex');
}

export function toUsageEvent(e: UsageEventDto): UsageEvent {
  const occurredAt = new Date(e.occurredAt);
  return {
    eventId: e.eventId,
    subscriberId: e.subscriberId,
    model: e.model,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    occurredAt,
    requestId: e.requestId ?? null,
    reservationId: e.reservationId ?? null,
    metadata: e.metadata ?? null,
    bodyHash: bodyHash(e, occurredAt),
    raw: e,
  };
}

/** Events of one job are applied by occurredAt, ties by eventId. */
export function byOccurrence(a: UsageEvent, b: UsageEvent): number {
  const d = a.occurredAt.getTime() - b.occurredAt.getTime();
  return d !== 0 ? d : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
