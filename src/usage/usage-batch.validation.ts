import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldError } from '../common/http/problem';
import { flattenValidationErrors } from '../common/http/validation-pipe';
import { isInstant } from '../common/validation/instant.validator';
import { CODE_PATTERN, EVENT_ID_PATTERN, SUBSCRIBER_ID_PATTERN } from '../common/validation/text.validators';
import { unstorableJson } from '../common/validation/storable-text';
import {
  MAX_BATCH_EVENTS,
  MAX_EVENT_TOKENS,
  MAX_JOB_EVENTS,
  MAX_METADATA_BYTES,
  MAX_METADATA_DEPTH,
  UsageBatchDto,
  UsageEventDto,
  UsageJobDto,
} from './dto/usage-event.dto';

/**
 * Validation of usage batches, the hottest input of the service (every model call of every
 * subscriber passes through it, once in the API and once in the worker).
 *
 * The DTO classes and class-validator stay the contract. `vouchesFor` is a plain-code acceptor
 * that recognises the common, well-formed batch in a single pass; it may only say "valid" for a
 * batch class-validator accepts unchanged (a property test holds it to that). When it cannot
 * vouch, class-validator decides and writes the error list, so every message a client sees is
 * class-validator's.
 */
export type UsageBatchCheck = { ok: true; batch: UsageBatchDto } | { ok: false; errors: FieldError[] };

export type UsageBatchSource = 'request' | 'job';

/** A request (`POST /v1/usage-events`) carries 1..1000 events; a queue job up to 5,000. */
export function checkUsageBatch(data: unknown, source: UsageBatchSource = 'request'): UsageBatchCheck {
  const [dto, max] = source === 'request' ? [UsageBatchDto, MAX_BATCH_EVENTS] : [UsageJobDto, MAX_JOB_EVENTS];
  if (vouchesFor(data, max)) return { ok: true, batch: data };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, errors: [{ path: 'events', message: 'the batch must be a JSON object with an events array' }] };
  }
  const batch = toInstanceKeepingMetadata(dto, data);
  const errors = validateSync(batch as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length === 0 ? { ok: true, batch } : { ok: false, errors: flattenValidationErrors(errors) };
}

/**
 * class-transformer walks every nested object, rewrites some keys (`toString`) and throws on others
 * (`constructor`), although metadata is free-form JSON that jsonb stores as it is. So metadata is
 * held out of the transformation and put back untouched before validation: the batch is the same
 * whichever path validated it, and its body hash with it.
 */
function toInstanceKeepingMetadata(dto: typeof UsageBatchDto, data: object): UsageBatchDto {
  const events = (data as { events?: unknown }).events;
  if (!Array.isArray(events)) return plainToInstance(dto, data, { enableImplicitConversion: false });
  const list: unknown[] = events;
  const held = list.map((e) => (isPlainObject(e) && typeof e.metadata === 'object' && e.metadata !== null ? e.metadata : undefined));
  const shell = { ...data, events: list.map((e, i) => (held[i] === undefined ? e : { ...(e as object), metadata: {} })) };
  const batch = plainToInstance(dto, shell, { enableImplicitConversion: false });
  held.forEach((metadata, i) => {
    const event = Array.isArray(batch.events) ? (batch.events[i] as UsageEventDto | undefined) : undefined;
    if (metadata !== undefined && event && typeof event === 'object') event.metadata = metadata as Record<string, unknown>;
  });
  return batch;
}

const EVENT_FIELDS = new Set<string>([
  'eventId',
  'subscriberId',
  'model',
  'inputTokens',
  'outputTokens',
  'occurredAt',
  'requestId',
  'reservationId',
  'metadata',
]);
/** Optional ids the fast path vouches for: printable ASCII, whose length every counting agrees on. */
const PLAIN_ID = /^[\x20-\x7e]{1,128}$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const isTokens = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_EVENT_TOKENS;

function vouchesFor(data: unknown, maxEvents: number): data is UsageBatchDto {
  if (!isPlainObject(data)) return false;
  for (const key in data) if (key !== 'events') return false;
  const events = data.events;
  if (!Array.isArray(events) || events.length < 1 || events.length > maxEvents) return false;
  for (const e of events) if (!vouchesForEvent(e)) return false;
  return true;
}

function vouchesForEvent(e: unknown): e is UsageEventDto {
  if (!isPlainObject(e)) return false;
  for (const key in e) if (!EVENT_FIELDS.has(key)) return false;
  return (
    typeof e.eventId === 'string' &&
    EVENT_ID_PATTERN.test(e.eventId) &&
    typeof e.subscriberId === 'string' &&
    SUBSCRIBER_ID_PATTERN.test(e.subscriberId) &&
    typeof e.model === 'string' &&
    CODE_PATTERN.test(e.model) &&
    isTokens(e.inputTokens) &&
    isTokens(e.outputTokens) &&
    isInstant(e.occurredAt) &&
    (e.requestId === undefined || (typeof e.requestId === 'string' && PLAIN_ID.test(e.requestId))) &&
    (e.reservationId === undefined || (typeof e.reservationId === 'string' && PLAIN_ID.test(e.reservationId))) &&
    (e.metadata === undefined ||
      (isPlainObject(e.metadata) &&
        Buffer.byteLength(JSON.stringify(e.metadata)) <= MAX_METADATA_BYTES &&
        unstorableJson(e.metadata, MAX_METADATA_DEPTH) === null))
  );
}
