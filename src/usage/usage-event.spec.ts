import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/json/canonical-json';
import { UsageEventDto } from './dto/usage-event.dto';
import { bodyHash } from './usage-event';

/** The definition of "identical": sha256 of the canonical JSON of the normal form. */
function definitionHash(e: UsageEventDto): string {
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

const event = fc.record(
  {
    eventId: fc.string({ minLength: 1 }),
    subscriberId: fc.string({ minLength: 1 }),
    model: fc.string({ minLength: 1 }),
    inputTokens: fc.maxSafeNat(),
    outputTokens: fc.maxSafeNat(),
    occurredAt: fc.date({ min: new Date('2000-01-01Z'), max: new Date('2099-12-31Z'), noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '+00:00')),
    requestId: fc.option(fc.string(), { nil: undefined }),
    reservationId: fc.option(fc.string(), { nil: undefined }),
    metadata: fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })) as fc.Arbitrary<Record<string, unknown>>, { nil: undefined }),
  },
  { requiredKeys: ['eventId', 'subscriberId', 'model', 'inputTokens', 'outputTokens', 'occurredAt'] },
);

describe('bodyHash', () => {
  it('equals the hash of the canonical JSON of the normal form', () => {
    fc.assert(
      fc.property(event, (e) => expect(bodyHash(e as UsageEventDto)).toBe(definitionHash(e as UsageEventDto))),
      { numRuns: 2000 },
    );
  });

  it('treats the same instant in another offset, and metadata keys in another order, as identical', () => {
    const a = {
      eventId: 'e',
      subscriberId: 's',
      model: 'm',
      inputTokens: 1,
      outputTokens: 2,
      occurredAt: '2026-11-03T08:15:00+08:00',
      metadata: { a: 1, b: { c: 2, d: 3 } },
    };
    const b = { ...a, occurredAt: '2026-11-03T00:15:00.000Z', metadata: { b: { d: 3, c: 2 }, a: 1 } };
    expect(bodyHash(a)).toBe(bodyHash(b));
    expect(bodyHash(a)).not.toBe(bodyHash({ ...a, outputTokens: 3 }));
    expect(bodyHash(a)).not.toBe(bodyHash({ ...a, requestId: 'r' }));
  });
});
