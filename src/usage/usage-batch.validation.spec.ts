import 'reflect-metadata';
import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_EVENT_TOKENS, MAX_METADATA_DEPTH, UsageBatchDto } from './dto/usage-event.dto';
import { checkUsageBatch } from './usage-batch.validation';

/** class-validator alone, as the global validation pipe runs it: the reference. */
function reference(data: unknown): { ok: boolean; value?: unknown } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false };
  const batch = plainToInstance(UsageBatchDto, data, { enableImplicitConversion: false });
  const errors = validateSync(batch as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length === 0 ? { ok: true, value: JSON.parse(JSON.stringify(batch)) } : { ok: false };
}

const validEvent = fc.record(
  {
    eventId: fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
    subscriberId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,15}$/),
    model: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,15}$/),
    inputTokens: fc.nat({ max: MAX_EVENT_TOKENS }),
    outputTokens: fc.nat({ max: MAX_EVENT_TOKENS }),
    occurredAt: fc.date({ min: new Date('2000-01-01Z'), max: new Date('2099-12-31Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    requestId: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
    reservationId: fc.option(fc.constant('r-1'), { nil: undefined }),
    metadata: fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
  },
  { requiredKeys: ['eventId', 'subscriberId', 'model', 'inputTokens', 'outputTokens', 'occurredAt'] },
);

/** An object nested `levels` deep: {a:{a:…{}}}. */
function nested(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

/** Values that break one field or another: wrong types, edges of the ranges, look-alikes. */
const ODD_VALUES: unknown[] = [
  null,
  true,
  '',
  ' ',
  '1',
  -1,
  0,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  [],
  {},
  [1],
  { a: 1 },
  'x'.repeat(128),
  'x'.repeat(129),
  'a\u0000b',
  'a\u007fb',
  '\uFE0F',
  'a\uFE0F',
  '\u{1F600}'.repeat(100),
  'é',
  'a b',
  'a/b',
  'sub@x.y',
  '2026-11-03T08:15:00+08:00',
  '2026-11-03T08:15:00',
  '2026-02-30T00:00:00Z',
  '2026-11-03T08:15:00.1234Z',
  '2026-11-03 08:15:00Z',
  '2026-11-03T24:00:00Z',
  '2026-11-03T08:15:00+15:00',
  { big: 'y'.repeat(5000) },
  // What PostgreSQL cannot store, or the credit rule cannot rate.
  '\uD800',
  'a\uDC00b',
  '\u{1F600}\uD83D',
  MAX_EVENT_TOKENS,
  MAX_EVENT_TOKENS + 1,
  2 ** 31,
  { note: 'a\u0000b' },
  { note: ['\uDFFF'] },
  { ['k\u0000']: 1 },
  nested(MAX_METADATA_DEPTH),
  nested(MAX_METADATA_DEPTH + 1),
];
const FIELDS = ['eventId', 'subscriberId', 'model', 'inputTokens', 'outputTokens', 'occurredAt', 'requestId', 'reservationId', 'metadata'];
const oddValue = fc.oneof(fc.constantFrom(...ODD_VALUES), fc.string({ maxLength: 140 }), fc.integer(), fc.jsonValue({ maxDepth: 1 }));

const fieldName = fc.constantFrom(
  'eventId',
  'subscriberId',
  'model',
  'inputTokens',
  'outputTokens',
  'occurredAt',
  'requestId',
  'reservationId',
  'metadata',
  'extra',
  '__proto__',
  'constructor',
);

const mutatedEvent = fc
  .tuple(validEvent, fc.array(fc.tuple(fieldName, fc.oneof(oddValue, fc.constant(undefined))), { maxLength: 3 }))
  .map(([event, changes]) => {
    const e: Record<string, unknown> = { ...event };
    for (const [k, v] of changes) {
      if (v === undefined) delete e[k];
      else Object.defineProperty(e, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return e;
  });

const anyBatch = fc.oneof(
  fc.array(mutatedEvent, { minLength: 0, maxLength: 4 }).map((events) => ({ events })),
  fc.array(validEvent, { minLength: 1, maxLength: 4 }).map((events) => ({ events, extra: 1 })),
  oddValue.map((events) => ({ events })),
  oddValue,
);

function expectSameVerdict(data: unknown): void {
  const ours = checkUsageBatch(data);
  const ref = reference(data);
  expect({ data, ok: ours.ok }).toEqual({ data, ok: ref.ok });
  if (ours.ok) expect(JSON.parse(JSON.stringify(ours.batch))).toEqual(ref.value);
}

describe('usage batch validation', () => {
  it('agrees with class-validator on every field set to every odd value', () => {
    const valid = {
      eventId: 'e-1',
      subscriberId: '8613800000000',
      model: 'deepseek-v3',
      inputTokens: 10,
      outputTokens: 2,
      occurredAt: '2026-11-03T08:15:00+08:00',
    };
    for (const field of FIELDS) {
      for (const value of ODD_VALUES) expectSameVerdict({ events: [{ ...valid, [field]: value }] });
      const without: Record<string, unknown> = { ...valid };
      delete without[field];
      expectSameVerdict({ events: [without] });
    }
  });

  it('keeps metadata exactly as sent on both paths, even keys class-transformer would rewrite', () => {
    const base = { eventId: 'e-1', subscriberId: '0', model: 'a', inputTokens: 0, outputTokens: 0, occurredAt: '2000-01-01T00:00:00.000Z' };
    const metadata = { '': { toString: null }, list: [{ valueOf: null }] };
    expectSameVerdict({ events: [{ ...base, metadata }] });
    // An event the fast path declines (an odd requestId) goes through class-validator: metadata unchanged.
    const check = checkUsageBatch({ events: [{ ...base, requestId: 'é', metadata }] });
    expect(check.ok && check.batch.events[0].metadata).toEqual(metadata);
  });

  it('takes any JSON key in metadata on both paths, even one class-transformer cannot walk', () => {
    const base = { eventId: 'e-1', subscriberId: '0', model: 'a', inputTokens: 0, outputTokens: 0, occurredAt: '2000-01-01T00:00:00.000Z' };
    const fast = JSON.parse('{"events":[' + JSON.stringify(base).replace(/}$/, ',"metadata":{"x":{"constructor":1}}}') + ']}');
    const slow = JSON.parse('{"events":[' + JSON.stringify({ ...base, requestId: 'é' }).replace(/}$/, ',"metadata":{"x":{"constructor":1}}}') + ']}');
    for (const raw of [fast, slow]) {
      const check = checkUsageBatch(raw, 'job');
      expect(check.ok && JSON.stringify(check.batch.events[0].metadata)).toBe('{"x":{"constructor":1}}');
    }
  });

  it('never accepts what class-validator refuses, and accepts it unchanged', () => {
    fc.assert(
      fc.property(anyBatch, (raw) => {
        // Through JSON, as the API's body parser and the queue deliver it.
        expectSameVerdict(JSON.parse(JSON.stringify(raw) ?? 'null'));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast path for well-formed batches (no class instances are built)', () => {
    fc.assert(
      fc.property(fc.array(validEvent, { minLength: 1, maxLength: 5 }), (events) => {
        const data = JSON.parse(JSON.stringify({ events }));
        const check = checkUsageBatch(data);
        expect(check.ok && check.batch).toBe(data);
      }),
    );
  });

  it('answers with class-validator’s field errors when the batch is invalid', () => {
    const check = checkUsageBatch({
      events: [{ eventId: 'e1', subscriberId: 's1', model: 'm', inputTokens: -1, outputTokens: 0, occurredAt: 'yesterday', colour: 'red' }],
    });
    expect(check.ok).toBe(false);
    const paths = !check.ok ? check.errors.map((e) => e.path).sort() : [];
    expect(paths).toEqual(['events[0].colour', 'events[0].inputTokens', 'events[0].occurredAt']);
  });

  it('refuses, naming the index, what PostgreSQL cannot store or the credit rule cannot rate', () => {
    const ok = { eventId: 'e1', subscriberId: 's1', model: 'm', inputTokens: 1, outputTokens: 1, occurredAt: '2026-11-03T08:15:00Z' };
    const check = checkUsageBatch({
      events: [
        ok,
        { ...ok, metadata: { note: 'a\u0000b' } },
        { ...ok, requestId: 'r\uD800' },
        { ...ok, metadata: { ['k\uDC00']: 'v' } },
        { ...ok, outputTokens: MAX_EVENT_TOKENS + 1 },
        { ...ok, metadata: nested(MAX_METADATA_DEPTH + 1) },
        { ...ok, reservationId: 'a\u0000' },
        { ...ok, inputTokens: MAX_EVENT_TOKENS, outputTokens: MAX_EVENT_TOKENS, metadata: nested(MAX_METADATA_DEPTH) },
      ],
    });
    const paths = !check.ok ? check.errors.map((e) => e.path).sort() : [];
    expect(paths).toEqual([
      'events[1].metadata',
      'events[2].requestId',
      'events[3].metadata',
      'events[4].outputTokens',
      'events[5].metadata',
      'events[6].reservationId',
    ]);
  });

  it('refuses a job payload that is not an object, without throwing', () => {
    for (const data of [null, 7, 'events', [{ events: [] }]]) expect(checkUsageBatch(data).ok).toBe(false);
  });

  it('bounds the batch at 1..1000 events', () => {
    const event = { eventId: 'e', subscriberId: 's', model: 'm', inputTokens: 1, outputTokens: 1, occurredAt: '2026-11-03T08:15:00Z' };
    expect(checkUsageBatch({ events: [] }).ok).toBe(false);
    expect(checkUsageBatch({ events: Array.from({ length: 1000 }, () => event) }).ok).toBe(true);
    expect(checkUsageBatch({ events: Array.from({ length: 1001 }, () => event) }).ok).toBe(false);
  });

  it('lets a queue job, which the API may merge from several requests, carry up to 5,000 events', () => {
    const event = { eventId: 'e', subscriberId: 's', model: 'm', inputTokens: 1, outputTokens: 1, occurredAt: '2026-11-03T08:15:00Z' };
    const events = (n: number) => ({ events: Array.from({ length: n }, () => ({ ...event })) });
    expect(checkUsageBatch(events(5000), 'job').ok).toBe(true);
    expect(checkUsageBatch(events(5001), 'job').ok).toBe(false);
    expect(checkUsageBatch({ events: [] }, 'job').ok).toBe(false);
    // The slow path agrees on the bound: one odd event sends the batch to class-validator.
    const odd = { events: [...events(4999).events, { ...event, eventId: 'e\u00e9' }] };
    expect(checkUsageBatch(odd, 'job').ok).toBe(false);
    const oddButValid = { events: [...events(4999).events, { ...event, requestId: 'r\u00e9' }] };
    expect(checkUsageBatch(oddButValid, 'job').ok).toBe(true);
    expect(checkUsageBatch({ events: [...oddButValid.events, { ...event }] }, 'job').ok).toBe(false);
  });
});
