import { isStorableText, unstorableJson } from './storable-text';

describe('what PostgreSQL can store', () => {
  it('refuses NUL and unpaired surrogates in text, keeps paired ones', () => {
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('a\uD800')).toBe(false);
    expect(isStorableText('\uDC00a')).toBe(false);
    expect(isStorableText('\u{1F600}é\u007f')).toBe(true);
  });

  it('looks into every key and string of a JSON value, and bounds its depth', () => {
    expect(unstorableJson({ note: 'a\u0000b' }, 8)).toMatch(/NUL/);
    expect(unstorableJson({ ['k\uD800']: 1 }, 8)).toMatch(/key/);
    expect(unstorableJson({ a: [1, { b: ['\uDFFF'] }] }, 8)).toMatch(/surrogate/);
    expect(unstorableJson({ a: { b: { c: 1 } } }, 3)).toBeNull();
    expect(unstorableJson({ a: { b: { c: {} } } }, 3)).toMatch(/deeper than 3/);
    expect(unstorableJson({ a: [[[]]] }, 3)).toMatch(/deeper than 3/);
  });
});
