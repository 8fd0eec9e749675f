import { unrecordableRow } from './unrecordable-event';

describe('rows for unrecordable events', () => {
  it('keeps the body as JSON text that PostgreSQL can hold, and the ids escaped', () => {
    const raw = { eventId: 'e\u0000x', subscriberId: 's\uD800', metadata: { note: 'a\u0000b' } };
    const row = unrecordableRow(raw, 'bad');
    expect(row.eventText).not.toMatch(/\u0000|[\uD800-\uDFFF]/);
    expect(JSON.parse(row.eventText)).toEqual(raw);
    expect([row.eventId, row.subscriberId]).toEqual(['e\\u0000x', 's\\ud800']);
  });

  it('hashes the same body the same way, and any shape has a row', () => {
    expect(unrecordableRow({ eventId: 'e', n: 1 }, 'x').bodyHash).toBe(unrecordableRow({ eventId: 'e', n: 1 }, 'y').bodyHash);
    expect(unrecordableRow({ eventId: 'e', n: 1 }, 'x').bodyHash).not.toBe(unrecordableRow({ eventId: 'e', n: 2 }, 'x').bodyHash);
    for (const raw of [null, 7, 'x', [1], { eventId: 5 }]) expect(unrecordableRow(raw, 'c').eventId).toBe('');
  });
});
