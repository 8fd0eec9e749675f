import { hasUnsafeText, unsafeTextPaths } from './unsafe-text';

describe('unsafe text (NUL, unpaired surrogates)', () => {
  it.each(['a\u0000b', '\ud800', 'x\udc00', 'a\ud83dz', '\ude00\ud83d'])('refuses %j', (s) => {
    expect(hasUnsafeText(s)).toBe(true);
  });
  it.each(['', 'plain', '😀', '中文', 'a\ud83d\ude00b', '=SUM(A1)'])('accepts %j', (s) => {
    expect(hasUnsafeText(s)).toBe(false);
  });
  it('names every nested path, keys included', () => {
    const paths = unsafeTextPaths({ name: 'ok', members: [{ subscriberId: 'a\u0000' }], meta: { ['k\ud800']: 'v', deep: ['\udfff'] } });
    expect(paths.map((e) => e.path)).toEqual(['members[0].subscriberId', 'meta.k\ud800', 'meta.deep[0]']);
  });
});
