import fc from 'fast-check';
import { cycleContaining } from './billing-cycle';
import { firstCycleTerms, prorate } from './proration';

const at = (iso: string): Date => new Date(iso);
const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991

describe('prorate', () => {
  it.each([
    // [fee, allowance, daysRemaining, daysInMonth, feeFen, allowanceCredits]
    [990, 30_000, 15, 30, 495, 15_000], // 990 × 15 / 30 = 495; 30000 × 15 / 30 = 15000
    [999, 1_001, 15, 30, 500, 500], // 999 × 15 / 30 = 499.5 -> 500 (half up); 1001 × 15 / 30 = 500.5 -> 500 (floor)
    [100, 100, 2, 3, 67, 66], // 66.67 -> 67 ; floor 66
    [100, 100, 1, 3, 33, 33], // 33.33 -> 33 ; floor 33
    [9_900, 1_000_000, 1, 31, 319, 32_258], // 9900 / 31 = 319.35 -> 319 ; 1e6 / 31 = 32258.06 -> 32258
    [9_900, 1_000_000, 31, 31, 9_900, 1_000_000], // full month
    [0, 0, 5, 30, 0, 0],
  ])('(%p, %p, %p/%p) -> fee %p, allowance %p', (fee, allowance, days, monthDays, feeFen, credits) => {
    expect(prorate(fee, allowance, days, monthDays)).toEqual({ feeFen, allowanceCredits: credits });
  });

  it('is exact near 2^53 (BigInt)', () => {
    // MAX × 30 = 270215977642229730 = 31 × 8716644440071926 + 24; 24/31 >= 1/2 -> fee rounds up
    expect(prorate(MAX, MAX, 30, 31)).toEqual({ feeFen: 8_716_644_440_071_927, allowanceCredits: 8_716_644_440_071_926 });
    // MAX × 31 / 31 = MAX although MAX × 31 > 2^53
    expect(prorate(MAX, MAX, 31, 31)).toEqual({ feeFen: MAX, allowanceCredits: MAX });
  });

  it.each([
    [990, 100, 0, 30, 'INVALID_PRORATION'],
    [990, 100, 31, 30, 'INVALID_PRORATION'],
    [990, 100, 0, 0, 'INVALID_PRORATION'],
    [-1, 100, 1, 30, 'NEGATIVE_VALUE'],
    [990, -1, 1, 30, 'NEGATIVE_VALUE'],
    [990.5, 100, 1, 30, 'NOT_AN_INTEGER'],
    [990, 100, 1.5, 30, 'NOT_AN_INTEGER'],
    [2 ** 53, 100, 1, 30, 'UNSAFE_INTEGER'],
  ])('rejects (%p, %p, %p/%p) with %s', (fee, allowance, days, monthDays, code) => {
    expect(() => prorate(fee, allowance, days, monthDays)).toThrow(expect.objectContaining({ code }));
  });
});

describe('prorate properties', () => {
  const amount = fc.integer({ min: 0, max: MAX });
  const monthDays = fc.integer({ min: 28, max: 31 });

  it('daysRemaining == daysInMonth gives the full fee and allowance', () => {
    fc.assert(
      fc.property(amount, amount, monthDays, (fee, allowance, days) => {
        expect(prorate(fee, allowance, days, days)).toEqual({ feeFen: fee, allowanceCredits: allowance });
      }),
      { numRuns: 1000 },
    );
  });

  it('never exceeds the monthly terms, grows with days and matches a BigInt reference', () => {
    fc.assert(
      fc.property(amount, amount, monthDays, fc.integer({ min: 1, max: 31 }), (fee, allowance, total, raw) => {
        const days = Math.min(raw, total);
        const terms = prorate(fee, allowance, days, total);
        const n = BigInt(days);
        const d = BigInt(total);
        expect(terms.feeFen).toBe(Number((2n * BigInt(fee) * n + d) / (2n * d)));
        expect(terms.allowanceCredits).toBe(Number((BigInt(allowance) * n) / d));
        expect(terms.feeFen).toBeLessThanOrEqual(fee);
        expect(terms.allowanceCredits).toBeLessThanOrEqual(allowance);
        if (days < total) {
          const more = prorate(fee, allowance, days + 1, total);
          expect(more.feeFen).toBeGreaterThanOrEqual(terms.feeFen);
          expect(more.allowanceCredits).toBeGreaterThanOrEqual(terms.allowanceCredits);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('firstCycleTerms', () => {
  it('2026-02-28T16:30Z is 2026-03-01 00:30 in Shanghai: the March cycle, 31 of 31 days', () => {
    const startAt = at('2026-02-28T16:30:00Z');
    expect(firstCycleTerms(startAt, 'Asia/Shanghai', 9_900, 1_000_000)).toEqual({
      start: startAt,
      end: at('2026-03-31T16:00:00Z'), // 2026-04-01 00:00 +08:00
      period: '2026-03',
      daysRemaining: 31, // 31 − 1 + 1
      daysInMonth: 31,
      feeFen: 9_900,
      allowanceCredits: 1_000_000,
    });
  });

  it('the same instant is 2026-02-28 11:30 in New York: the February cycle, 1 of 28 days', () => {
    expect(firstCycleTerms(at('2026-02-28T16:30:00Z'), 'America/New_York', 9_900, 1_000_000)).toEqual({
      start: at('2026-02-28T16:30:00Z'),
      end: at('2026-03-01T05:00:00Z'), // 2026-03-01 00:00 −05:00
      period: '2026-02',
      daysRemaining: 1, // 28 − 28 + 1
      daysInMonth: 28,
      feeFen: 354, // 9900 / 28 = 353.57 -> 354 (28 × 353 = 9884, remainder 16 >= 14)
      allowanceCredits: 35_714, // 1,000,000 / 28 = 35714.29 -> 35714
    });
  });

  it('and 2026-02-28 16:30 in London: also 1 of 28 days', () => {
    const terms = firstCycleTerms(at('2026-02-28T16:30:00Z'), 'Europe/London', 9_900, 1_000_000);
    expect(terms).toMatchObject({ period: '2026-02', daysRemaining: 1, daysInMonth: 28, feeFen: 354 });
    expect(terms.end).toEqual(at('2026-03-01T00:00:00Z'));
  });

  it('the last second of a 31-day month gets 1/31', () => {
    // 2026-01-31 23:59:59 in Shanghai = 15:59:59Z
    expect(firstCycleTerms(at('2026-01-31T15:59:59Z'), 'Asia/Shanghai', 9_900, 1_000_000)).toEqual({
      start: at('2026-01-31T15:59:59Z'),
      end: at('2026-01-31T16:00:00Z'), // one second later
      period: '2026-01',
      daysRemaining: 1, // 31 − 31 + 1
      daysInMonth: 31,
      feeFen: 319, // 9900 / 31 = 319.35 -> 319 (31 × 319 = 9889, remainder 11 < 15.5)
      allowanceCredits: 32_258, // 1,000,000 / 31 = 32258.06 -> 32258
    });
  });

  it('the last second of January in New York is already 1 February in Shanghai', () => {
    const instant = at('2026-02-01T04:59:59Z'); // 2026-01-31 23:59:59 EST = 2026-02-01 12:59:59 +08
    expect(firstCycleTerms(instant, 'America/New_York', 9_900, 1_000_000)).toMatchObject({
      period: '2026-01',
      daysRemaining: 1,
      daysInMonth: 31,
      feeFen: 319,
      allowanceCredits: 32_258,
    });
    expect(firstCycleTerms(instant, 'Asia/Shanghai', 9_900, 1_000_000)).toMatchObject({
      period: '2026-02',
      daysRemaining: 28, // starts on the 1st: full month
      daysInMonth: 28,
      feeFen: 9_900,
      allowanceCredits: 1_000_000,
    });
  });

  it('29 February 2028 (leap year) gets 1/29', () => {
    // 2028-02-29 12:00 in Shanghai = 04:00Z
    expect(firstCycleTerms(at('2028-02-29T04:00:00Z'), 'Asia/Shanghai', 9_900, 1_000_000)).toEqual({
      start: at('2028-02-29T04:00:00Z'),
      end: at('2028-02-29T16:00:00Z'), // 2028-03-01 00:00 +08
      period: '2028-02',
      daysRemaining: 1, // 29 − 29 + 1
      daysInMonth: 29,
      feeFen: 341, // 9900 / 29 = 341.38 -> 341 (29 × 341 = 9889, remainder 11 < 14.5)
      allowanceCredits: 34_482, // 1,000,000 / 29 = 34482.76 -> 34482
    });
  });

  it('28 February 2028 gets 2/29', () => {
    expect(firstCycleTerms(at('2028-02-28T04:00:00Z'), 'Asia/Shanghai', 9_900, 1_000_000)).toMatchObject({
      daysRemaining: 2, // 29 − 28 + 1
      daysInMonth: 29,
      feeFen: 683, // 19800 / 29 = 682.76 -> 683
      allowanceCredits: 68_965, // 2,000,000 / 29 = 68965.52 -> 68965
    });
  });

  it('mid-month: 16 April gets 15/30', () => {
    // 2026-04-16 09:00 in Shanghai = 01:00Z
    expect(firstCycleTerms(at('2026-04-16T01:00:00Z'), 'Asia/Shanghai', 990, 30_000)).toMatchObject({
      period: '2026-04',
      daysRemaining: 15, // 30 − 16 + 1
      daysInMonth: 30,
      feeFen: 495, // 990 × 15 / 30 = 495
      allowanceCredits: 15_000, // 30000 × 15 / 30 = 15000
    });
  });

  it.each([
    ['2026-03-31T16:00:00Z'], // 2026-04-01 00:00:00 +08
    ['2026-04-01T04:00:00Z'], // 2026-04-01 12:00:00 +08
    ['2026-04-01T15:59:59Z'], // 2026-04-01 23:59:59 +08
  ])('any time on the 1st (%p) gets the full month', (iso) => {
    expect(firstCycleTerms(at(iso), 'Asia/Shanghai', 990, 30_000)).toMatchObject({
      period: '2026-04',
      daysRemaining: 30,
      daysInMonth: 30,
      feeFen: 990,
      allowanceCredits: 30_000,
    });
  });

  it('counts calendar days across a DST change', () => {
    // 2026-03-08 12:00 EDT (the spring-forward day) = 16:00Z; 31 − 8 + 1 = 24 days
    expect(firstCycleTerms(at('2026-03-08T16:00:00Z'), 'America/New_York', 3_100, 31_000)).toMatchObject({
      daysRemaining: 24,
      daysInMonth: 31,
      feeFen: 2_400, // 3100 × 24 / 31 = 2400
      allowanceCredits: 24_000, // 31000 × 24 / 31 = 24000
    });
  });

  it('returns a copy of startAt', () => {
    const startAt = at('2026-04-16T01:00:00Z');
    const terms = firstCycleTerms(startAt, 'Asia/Shanghai', 990, 30_000);
    expect(terms.start).toEqual(startAt);
    expect(terms.start).not.toBe(startAt);
  });

  it('rejects invalid inputs with domain errors', () => {
    expect(() => firstCycleTerms(new Date('x'), 'UTC', 1, 1)).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
    expect(() => firstCycleTerms(at('2026-04-16T01:00:00Z'), 'Moon/Base', 1, 1)).toThrow(expect.objectContaining({ code: 'INVALID_TIME_ZONE' }));
    expect(() => firstCycleTerms(at('2026-04-16T01:00:00Z'), 'UTC', -1, 1)).toThrow(expect.objectContaining({ code: 'NEGATIVE_VALUE' }));
  });

  it('agrees with the Intl calendar for any instant and zone', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Pacific/Chatham'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 3), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms)),
        fc.constantFrom(...zones),
        (startAt, tz) => {
          const options = { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' } as const;
          const parts = new Intl.DateTimeFormat('en-US', options)
            .formatToParts(startAt)
            .reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.type]: Number(p.value) }), {});
          const monthDays = new Date(Date.UTC(parts.year, parts.month, 0)).getUTCDate();
          const terms = firstCycleTerms(startAt, tz, 3_000, 3_000);
          expect(terms.daysInMonth).toBe(monthDays);
          expect(terms.daysRemaining).toBe(monthDays - parts.day + 1);
          expect(terms.end).toEqual(cycleContaining(startAt, tz).end);
        },
      ),
      { numRuns: 300 },
    );
  });
});
