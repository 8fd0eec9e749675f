import { assertTimeZone, localDate, startOfLocalDay } from './local-time';

const at = (iso: string): Date => new Date(iso);

describe('assertTimeZone', () => {
  it('accepts IANA names', () => {
    expect(() => assertTimeZone('Asia/Shanghai')).not.toThrow();
    expect(() => assertTimeZone('UTC')).not.toThrow();
  });

  it.each([['Mars/Olympus_Mons'], [''], ['Asia/Shang hai'], [undefined as unknown as string]])('rejects %p with INVALID_TIME_ZONE', (tz) => {
    expect(() => assertTimeZone(tz)).toThrow(expect.objectContaining({ code: 'INVALID_TIME_ZONE' }));
  });
});

describe('localDate', () => {
  it('reads the wall-clock date in the given zone', () => {
    // 16:30Z + 8h = 2026-03-01 00:30 in Shanghai; − 5h = 2026-02-28 11:30 in New York
    expect(localDate(at('2026-02-28T16:30:00Z'), 'Asia/Shanghai')).toEqual({ year: 2026, month: 3, day: 1 });
    expect(localDate(at('2026-02-28T16:30:00Z'), 'America/New_York')).toEqual({ year: 2026, month: 2, day: 28 });
    expect(localDate(at('2026-02-28T16:30:00Z'), 'Europe/London')).toEqual({ year: 2026, month: 2, day: 28 });
  });

  it('handles offsets that are not whole hours', () => {
    // 18:29:59Z + 5:30 = 23:59:59 (Kolkata); 18:30Z + 5:30 = next day 00:00
    expect(localDate(at('2026-01-31T18:29:59Z'), 'Asia/Kolkata')).toEqual({ year: 2026, month: 1, day: 31 });
    expect(localDate(at('2026-01-31T18:30:00Z'), 'Asia/Kolkata')).toEqual({ year: 2026, month: 2, day: 1 });
  });

  it('rejects an invalid instant', () => {
    expect(() => localDate(new Date(Number.NaN), 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });
});

describe('startOfLocalDay', () => {
  it('is local midnight converted to UTC', () => {
    // 00:00 +08:00 = previous day 16:00Z
    expect(startOfLocalDay({ year: 2026, month: 3, day: 1 }, 'Asia/Shanghai')).toEqual(at('2026-02-28T16:00:00Z'));
    // 00:00 EST (−05:00) = 05:00Z; 00:00 EDT (−04:00) = 04:00Z
    expect(startOfLocalDay({ year: 2026, month: 3, day: 1 }, 'America/New_York')).toEqual(at('2026-03-01T05:00:00Z'));
    expect(startOfLocalDay({ year: 2026, month: 4, day: 1 }, 'America/New_York')).toEqual(at('2026-04-01T04:00:00Z'));
    // 00:00 BST (+01:00) = previous day 23:00Z
    expect(startOfLocalDay({ year: 2026, month: 4, day: 1 }, 'Europe/London')).toEqual(at('2026-03-31T23:00:00Z'));
  });

  it('picks the earlier instant when midnight happens twice', () => {
    // Havana falls back 01:00 CDT -> 00:00 CST on Sunday 2026-11-01: local 00:00 is 04:00Z (CDT)
    // and again 05:00Z (CST). The cycle must start at the first one, or 00:00–00:59 CDT on the
    // 1st would belong to no month's cycle.
    expect(startOfLocalDay({ year: 2026, month: 11, day: 1 }, 'America/Havana')).toEqual(at('2026-11-01T04:00:00Z'));
  });

  it('starts at the first instant of the day when midnight is skipped', () => {
    // Asunción sprang forward 00:00 −04 -> 01:00 −03 on Sunday 2023-10-01: local midnight did not
    // exist; the day began at 01:00 −03 = 04:00Z.
    expect(startOfLocalDay({ year: 2023, month: 10, day: 1 }, 'America/Asuncion')).toEqual(at('2023-10-01T04:00:00Z'));
  });

  it.each([
    [{ year: 2026, month: 2, day: 29 }, 'INVALID_DATE'],
    [{ year: 2026, month: 4, day: 0 }, 'INVALID_DATE'],
    [{ year: 2026, month: 13, day: 1 }, 'INVALID_PERIOD'],
  ])('rejects the impossible date %p', (date, code) => {
    expect(() => startOfLocalDay(date, 'UTC')).toThrow(expect.objectContaining({ code }));
  });

  it('works for the day after the last billing period (10000-01-01)', () => {
    expect(startOfLocalDay({ year: 10000, month: 1, day: 1 }, 'UTC')).toEqual(new Date(Date.UTC(10000, 0, 1)));
  });
});
