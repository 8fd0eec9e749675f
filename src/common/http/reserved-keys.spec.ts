import { reservedKeyPath } from './reserved-keys';

describe('reservedKeyPath', () => {
  it.each([
    [JSON.parse('{"events":[{"a":{"constructor":"x"}}]}'), 'events[0].a.constructor'],
    [JSON.parse('{"__proto__":{"admin":true}}'), '__proto__'],
    [JSON.parse('{"metadata":{"prototype":1}}'), 'metadata.prototype'],
  ])('finds the reserved key of %j at %s', (body, path) => {
    expect(reservedKeyPath(body)).toBe(path);
  });

  it('passes ordinary bodies, primitives and names that merely contain a reserved word', () => {
    expect(reservedKeyPath({ events: [{ metadata: { constructorName: 'x', app: 'chat' } }] })).toBeNull();
    expect(reservedKeyPath('text')).toBeNull();
    expect(reservedKeyPath(undefined)).toBeNull();
  });

  it('walks a deeply nested body without recursion', () => {
    const deep = JSON.parse('['.repeat(20000) + ']'.repeat(20000));
    expect(reservedKeyPath(deep)).toBeNull();
  });
});
