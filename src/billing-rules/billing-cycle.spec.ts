import fc from 'fast-check';
import { cycleContaining, nextCycle, periodBounds, periodOf, periodsSpanning } from './billing-cycle';

const at = (iso: string): Date => new Date(iso);

/** Independent reference: the wall-clock date straight from Intl, without dayjs. */
function intlLocal(instant: Date, tz: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

describe('periodOf', () => {
  it('is the local month of the instant', () => {
    // 2026-02-28 16:30Z = 2026-03-01 00:30 (+08) = 2026-02-28 11:30 (−05) = 16:30 GMT
    expect(periodOf(at('2026-02-28T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-03');
    expect(periodOf(at('2026-02-28T16:30:00Z'), 'America/New_York')).toBe('2026-02');
    expect(periodOf(at('2026-02-28T16:30:00Z'), 'Europe/London')).toBe('2026-02');
  });

  it('changes exactly at local midnight of the 1st', () => {
    expect(periodOf(at('2026-02-28T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-02');
    expect(periodOf(at('2026-02-28T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-03');
  });

  it('throws INVALID_PERIOD outside 2000..9999 and INVALID_TIME_ZONE for unknown zones', () => {
    expect(() => periodOf(at('1999-12-31T12:00:00Z'), 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
    expect(() => periodOf(at('2026-01-01T00:00:00Z'), 'Nowhere/City')).toThrow(expect.objectContaining({ code: 'INVALID_TIME_ZONE' }));
  });
});

describe('periodBounds', () => {
  it.each([
    // 1st 00:00 +08:00 = previous day 16:00Z
    ['2026-03', 'Asia/Shanghai', '2026-02-28T16:00:00Z', '2026-03-31T16:00:00Z'],
    // New York: March starts in EST (−05) and ends in EDT (−04): 31 days minus one hour
    ['2026-03', 'America/New_York', '2026-03-01T05:00:00Z', '2026-04-01T04:00:00Z'],
    // New York: November starts in EDT and ends in EST
    ['2026-11', 'America/New_York', '2026-11-01T04:00:00Z', '2026-12-01T05:00:00Z'],
    // London: March starts in GMT and ends in BST (+01)
    ['2026-03', 'Europe/London', '2026-03-01T00:00:00Z', '2026-03-31T23:00:00Z'],
    // December rolls into January of the next year
    ['2026-12', 'Asia/Shanghai', '2026-11-30T16:00:00Z', '2026-12-31T16:00:00Z'],
    ['2028-02', 'UTC', '2028-02-01T00:00:00Z', '2028-03-01T00:00:00Z'],
    ['9999-12', 'UTC', '9999-12-01T00:00:00Z', '+010000-01-01T00:00:00Z'],
    // The last period ends in year 10000, independent of the host's own zone
    ['9999-12', 'Asia/Shanghai', '9999-11-30T16:00:00Z', '9999-12-31T16:00:00Z'],
    ['9999-12', 'America/New_York', '9999-12-01T05:00:00Z', '+010000-01-01T05:00:00Z'],
  ])('%p in %p is [%p, %p)', (period, tz, start, end) => {
    expect(periodBounds(period, tz)).toEqual({ start: at(start), end: at(end) });
  });

  it('a DST month is not a whole number of 24h days', () => {
    const { start, end } = periodBounds('2026-03', 'America/New_York');
    // 31 days × 24h − 1h (spring forward on 2026-03-08) = 743h
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(743);
  });

  it('rejects malformed periods', () => {
    expect(() => periodBounds('2026-13', 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
    expect(() => periodBounds('2026-3', 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
  });
});

describe('cycleContaining', () => {
  it('puts 2026-02-28T16:30Z in the March cycle in Shanghai and the February cycle in New York', () => {
    expect(cycleContaining(at('2026-02-28T16:30:00Z'), 'Asia/Shanghai')).toEqual({
      start: at('2026-02-28T16:00:00Z'),
      end: at('2026-03-31T16:00:00Z'),
      period: '2026-03',
    });
    expect(cycleContaining(at('2026-02-28T16:30:00Z'), 'America/New_York')).toEqual({
      start: at('2026-02-01T05:00:00Z'),
      end: at('2026-03-01T05:00:00Z'),
      period: '2026-02',
    });
  });

  it('includes its start and excludes its end', () => {
    const march = cycleContaining(at('2026-02-28T16:00:00Z'), 'Asia/Shanghai');
    expect(march.period).toBe('2026-03');
    expect(cycleContaining(at('2026-03-31T15:59:59.999Z'), 'Asia/Shanghai').period).toBe('2026-03');
    expect(cycleContaining(march.end, 'Asia/Shanghai').period).toBe('2026-04');
  });

  it('puts the doubled hour of a Havana fall-back on the 1st into the new month', () => {
    // 04:30Z = 00:30 CDT on 2026-11-01, before the clocks fall back at 05:00Z
    expect(cycleContaining(at('2026-11-01T04:30:00Z'), 'America/Havana')).toEqual({
      start: at('2026-11-01T04:00:00Z'),
      end: at('2026-12-01T05:00:00Z'),
      period: '2026-11',
    });
  });

  it('rejects an invalid instant', () => {
    expect(() => cycleContaining(new Date('x'), 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });
});

describe('nextCycle', () => {
  it('starts where the given cycle ends', () => {
    const march = cycleContaining(at('2026-03-15T00:00:00Z'), 'America/New_York');
    expect(nextCycle(march.end, 'America/New_York')).toEqual({
      start: at('2026-04-01T04:00:00Z'),
      end: at('2026-05-01T04:00:00Z'),
      period: '2026-04',
    });
  });

  it('chains across the year end', () => {
    expect(nextCycle(at('2026-11-30T16:00:00Z'), 'Asia/Shanghai').period).toBe('2026-12');
    expect(nextCycle(at('2026-12-31T16:00:00Z'), 'Asia/Shanghai')).toEqual({
      start: at('2026-12-31T16:00:00Z'),
      end: at('2027-01-31T16:00:00Z'),
      period: '2027-01',
    });
  });

  it('refuses an instant that is not a cycle boundary', () => {
    expect(() => nextCycle(at('2026-03-31T16:00:01Z'), 'Asia/Shanghai')).toThrow(expect.objectContaining({ code: 'NOT_A_CYCLE_BOUNDARY' }));
    // A UTC month boundary is not a Shanghai one
    expect(() => nextCycle(at('2026-04-01T00:00:00Z'), 'Asia/Shanghai')).toThrow(expect.objectContaining({ code: 'NOT_A_CYCLE_BOUNDARY' }));
  });
});

describe('billing calendar properties (Intl reference)', () => {
  const zones = [
    'Asia/Shanghai',
    'America/New_York',
    'Europe/London',
    'UTC',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'America/Havana',
    'America/Asuncion',
    'America/Santiago',
    'Africa/Casablanca',
    'Asia/Tehran',
  ];
  const instant = fc.integer({ min: Date.UTC(2000, 0, 3), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms));
  const zone = fc.constantFrom(...zones);

  it('the cycle contains the instant, starts on a local 1st and ends where the next begins', () => {
    fc.assert(
      fc.property(instant, zone, (t, tz) => {
        const cycle = cycleContaining(t, tz);
        const local = intlLocal(t, tz);
        expect(cycle.period).toBe(`${local.year}-${String(local.month).padStart(2, '0')}`);
        expect(cycle.start.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(t.getTime()).toBeLessThan(cycle.end.getTime());
        expect(intlLocal(cycle.start, tz)).toEqual({ year: local.year, month: local.month, day: 1 });
        expect(intlLocal(new Date(cycle.start.getTime() - 1), tz).month).not.toBe(local.month);
        expect(intlLocal(cycle.end, tz).day).toBe(1);
        expect(nextCycle(cycle.end, tz).start).toEqual(cycle.end);
      }),
      { numRuns: 500 },
    );
  });
});

describe('billing cycle reuse', () => {
  it('returns equal cycles with fresh Date objects on repeated calls', () => {
    const first = cycleContaining(at('2026-05-10T00:00:00Z'), 'Asia/Shanghai');
    first.start.setTime(0); // a caller mutating its copy must not affect later answers
    first.end.setTime(0);
    const again = cycleContaining(at('2026-05-20T00:00:00Z'), 'Asia/Shanghai');
    expect(again).toEqual({ start: at('2026-04-30T16:00:00Z'), end: at('2026-05-31T16:00:00Z'), period: '2026-05' });
    expect(periodBounds('2026-05', 'Asia/Shanghai')).toEqual({ start: again.start, end: again.end });
    expect(periodOf(at('2026-05-31T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-05');
    expect(periodOf(at('2026-05-31T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-06');
  });

  it('keeps zones apart', () => {
    expect(periodBounds('2026-05', 'Asia/Shanghai').start).toEqual(at('2026-04-30T16:00:00Z'));
    expect(periodBounds('2026-05', 'Europe/London').start).toEqual(at('2026-04-30T23:00:00Z'));
    expect(periodOf(at('2026-04-30T20:00:00Z'), 'Asia/Shanghai')).toBe('2026-05');
    expect(periodOf(at('2026-04-30T20:00:00Z'), 'Europe/London')).toBe('2026-04');
  });
});

describe('periodsSpanning', () => {
  it('lists every period from the first instant to the last, each starting at its local 1st 00:00', () => {
    // 2026-01-31 16:00Z = 2026-02-01 00:00 (+08); 2026-04-01 03:00Z = 2026-04-01 11:00 (+08)
    const span = periodsSpanning(at('2026-01-31T16:00:00Z'), at('2026-04-01T03:00:00Z'), 'Asia/Shanghai');
    expect(span.periods).toEqual(['2026-02', '2026-03', '2026-04']);
    expect(span.starts.map((d) => d.toISOString())).toEqual(['2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z', '2026-03-31T16:00:00.000Z']);
  });

  it('is one period when both instants share it, and refuses a reversed range', () => {
    const span = periodsSpanning(at('2026-02-28T15:59:59.999Z'), at('2026-02-28T15:59:59.999Z'), 'Asia/Shanghai');
    expect(span.periods).toEqual(['2026-02']);
    expect(() => periodsSpanning(at('2026-03-01T00:00:00Z'), at('2026-02-01T00:00:00Z'), 'UTC')).toThrow('last must not be before first');
  });

  it('places every instant in between in the period periodOf gives it, by its start (as width_bucket does)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 2), max: Date.UTC(2099, 0, 1) }),
        fc.integer({ min: 0, max: 400 * 86400_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/London', 'UTC'),
        (firstMs, spanMs, f, tz) => {
          const span = periodsSpanning(new Date(firstMs), new Date(firstMs + spanMs), tz);
          const t = firstMs + Math.floor(f * spanMs);
          const bucket = span.starts.filter((s) => s.getTime() <= t).length; // width_bucket(t, starts)
          expect(span.periods[bucket - 1]).toBe(periodOf(new Date(t), tz));
          for (let i = 0; i < span.periods.length; i++) expect(span.starts[i]).toEqual(periodBounds(span.periods[i], tz).start);
        },
      ),
    );
  });
});
