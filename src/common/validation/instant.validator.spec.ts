import { isInstant } from './instant.validator';

describe('isInstant', () => {
  it.each(['2026-11-03T08:15:00+08:00', '2026-11-03T00:15:00Z', '2028-02-29T23:59:59.999-05:00', '2026-11-03T08:15Z'])('accepts %s', (v) => {
    expect(isInstant(v)).toBe(true);
  });
  it.each(['2026-11-03T08:15:00', '2026-11-03', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-03T24:00:00Z', 'now', 1700000000])(
    'refuses %s',
    (v) => {
      expect(isInstant(v)).toBe(false);
    },
  );
});
