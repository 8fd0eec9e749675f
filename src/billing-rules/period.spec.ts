import { daysInMonth, formatPeriod, isLeapYear, nextYearMonth, parsePeriod, requirePeriod } from './period';

describe('parsePeriod', () => {
  it.each([
    ['2026-03', { year: 2026, month: 3 }],
    ['2000-01', { year: 2000, month: 1 }],
    ['9999-12', { year: 9999, month: 12 }],
    ['2028-02', { year: 2028, month: 2 }],
  ])('%p -> %p', (text, expected) => {
    expect(parsePeriod(text)).toEqual(expected);
  });

  it.each([
    ['1999-12'], // year below 2000
    ['0000-01'],
    ['10000-01'], // 5-digit year
    ['2026-00'], // month 00
    ['2026-13'],
    ['2026-3'], // month must be two digits
    ['26-03'],
    ['2026/03'],
    ['202603'],
    ['2026-03-01'],
    [' 2026-03'],
    ['2026-03 '],
    ['2026-03\n'],
    ['+2026-03'],
    ['２０２６-03'], // full-width digits
    [''],
  ])('%p -> null', (text) => {
    expect(parsePeriod(text)).toBeNull();
  });

  it('returns null for non-string input', () => {
    expect(parsePeriod(202603 as unknown as string)).toBeNull();
  });
});

describe('requirePeriod', () => {
  it('returns the parsed period or throws INVALID_PERIOD', () => {
    expect(requirePeriod('2026-03')).toEqual({ year: 2026, month: 3 });
    expect(() => requirePeriod('2026-13')).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
  });
});

describe('formatPeriod', () => {
  it('zero-pads the month', () => {
    expect(formatPeriod(2026, 3)).toBe('2026-03');
    expect(formatPeriod(2026, 12)).toBe('2026-12');
  });

  it.each([
    [1999, 12],
    [10000, 1],
    [2026, 0],
    [2026, 13],
    [2026.5, 1],
  ])('refuses year %p month %p with INVALID_PERIOD', (year, month) => {
    expect(() => formatPeriod(year, month)).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
  });
});

describe('daysInMonth', () => {
  it.each([
    [2026, 1, 31],
    [2026, 2, 28],
    [2028, 2, 29], // divisible by 4
    [2000, 2, 29], // divisible by 400
    [2100, 2, 28], // divisible by 100, not by 400
    [2026, 4, 30],
    [2026, 6, 30],
    [2026, 12, 31],
    [2026, 3, 31],
    [2026, 9, 30],
    [2026, 11, 30],
    [1900, 2, 28], // century not divisible by 400
    [4, 2, 29], // two-digit years are years, not 1900 + n
    [0, 2, 29], // proleptic year 0 is a leap year
  ])('%p-%p has %p days', (year, month, expected) => {
    expect(daysInMonth(year, month)).toBe(expected);
  });

  it.each([
    [2026, 0],
    [2026, 13],
    [2026, 1.5],
    [2026.5, 1],
    [Number.NaN, 1],
  ])('rejects year %p month %p with INVALID_PERIOD', (year, month) => {
    expect(() => daysInMonth(year, month)).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
  });

  it('agrees with the JS Date calendar for every month of 2000..2400', () => {
    for (let year = 2000; year <= 2400; year += 1) {
      for (let month = 1; month <= 12; month += 1) {
        expect(daysInMonth(year, month)).toBe(new Date(Date.UTC(year, month, 0)).getUTCDate());
      }
    }
  });
});

describe('isLeapYear', () => {
  it.each([
    [2024, true],
    [2026, false],
    [2000, true],
    [2100, false],
    [2400, true],
  ])('%p -> %p', (year, expected) => {
    expect(isLeapYear(year)).toBe(expected);
  });
});

describe('nextYearMonth', () => {
  it('advances the month and rolls December into January', () => {
    expect(nextYearMonth({ year: 2026, month: 3 })).toEqual({ year: 2026, month: 4 });
    expect(nextYearMonth({ year: 2026, month: 12 })).toEqual({ year: 2027, month: 1 });
  });
});
