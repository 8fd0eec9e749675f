import { summaryRange } from './summary-range';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-11-29T10:00:00Z');

describe('summaryRange: a usage summary always aggregates a bounded range', () => {
  it('defaults to the current month in the billing time zone', () => {
    expect(summaryRange({}, NOW, TZ, 93)).toEqual({ from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-11-30T16:00:00Z') });
  });

  it('takes both ends as given when they span at most maxDays', () => {
    const r = summaryRange({ from: '2026-09-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' }, NOW, TZ, 93);
    expect(r).toEqual({ from: new Date('2026-08-31T16:00:00Z'), to: new Date('2026-11-30T16:00:00Z') });
  });

  it.each([
    [{ from: '2026-11-01T00:00:00Z' }, 'to'],
    [{ to: '2026-11-01T00:00:00Z' }, 'from'],
    [{ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'to'],
    [{ from: '2026-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'to'],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-04-05T00:00:00Z' }, 'to'],
  ])('refuses %j naming %s', (q, path) => {
    expect(() => summaryRange(q, NOW, TZ, 93)).toThrow(expect.objectContaining({ status: 400, errors: [expect.objectContaining({ path })] }));
  });
});
