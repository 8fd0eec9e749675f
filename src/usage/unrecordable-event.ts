import { createHash } from 'node:crypto';
import { escapeUnstorable } from '../common/validation/storable-text';

/** A rejected-usage row for an event that cannot be recorded as sent. */
export interface UnrecordableRow {
  eventId: string;
  subscriberId: string | null;
  /** The event as JSON text; JSON.stringify escapes NUL and unpaired surrogates, so text can hold it. */
  eventText: string;
  bodyHash: string;
  /** Why, for the log: the first rule broken, or the database's or billing rule's message. */
  cause: string;
}

const field = (raw: unknown, name: string): unknown =>
  typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>)[name] : undefined;

/**
 * The row for one unrecordable event, whatever its shape. Its eventId and subscriberId are kept
 * (escaped, bounded) so it can be found; the body hash is over the stored text, so a redelivered
 * job finds the row already there instead of writing it twice.
 */
export function unrecordableRow(raw: unknown, cause: string): UnrecordableRow {
  const eventText = JSON.stringify(raw) ?? 'null';
  const eventId = field(raw, 'eventId');
  const subscriberId = field(raw, 'subscriberId');
  return {
    eventId: typeof eventId === 'string' ? escapeUnstorable(eventId).slice(0, 256) : '',
    subscriberId: typeof subscriberId === 'string' ? escapeUnstorable(subscriberId).slice(0, 256) : null,
    eventText,
    bodyHash: createHash('sha256').update(eventText).digest('hex'),
    cause: cause.slice(0, 500),
  };
}
