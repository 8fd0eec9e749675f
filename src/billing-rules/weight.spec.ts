import fc from 'fast-check';
import { formatWeight, MAX_WEIGHT_SCALED, parseWeight, WEIGHT_SCALE } from './weight';

describe('parseWeight', () => {
  it.each([
    ['0.1234', 1234], // 0.1234 × 10^4
    ['2', 20000], // 2 × 10^4
    ['1.5', 15000], // 1.5 × 10^4
    ['1.50', 15000], // trailing zeros within 4 fractional digits are fine
    ['1.5000', 15000],
    ['0.0001', 1], // smallest weight
    ['0.001', 10],
    ['10', 100000],
    ['100.05', 1000500], // 100 × 10^4 + 0500
    ['123456789', 1234567890000], // 9 integer digits
    ['999999999.9999', 9999999999999], // largest weight
    ['007.5', 75000], // leading zeros tolerated (still a plain decimal of at most 9 digits)
  ])('%p -> %p', (text, expected) => {
    expect(parseWeight(text)).toBe(expected);
  });

  it.each([
    [''],
    ['0'], // not > 0
    ['0.0'],
    ['0.0000'],
    ['000'],
    ['+1'], // sign
    ['-1'],
    ['-0.5'],
    ['1e3'], // exponent
    ['1E3'],
    ['1.5e-2'],
    [' 1'], // spaces
    ['1 '],
    ['1. 5'],
    ['\t1'],
    ['1\n'],
    ['.5'], // leading '.'
    ['1.'], // dangling '.'
    ['1.23456'], // 5 fractional digits
    ['1.50000'],
    ['1234567890'], // 10 integer digits
    ['0000000001'],
    ['1,5'],
    ['1_000'],
    ['1.2.3'],
    ['0x10'],
    ['Infinity'],
    ['NaN'],
    ['١'], // Arabic-Indic digit one: only ASCII digits are plain
    ['２'], // full-width digit two
  ])('%p -> null', (text) => {
    expect(parseWeight(text)).toBeNull();
  });

  it('returns null for non-string input', () => {
    expect(parseWeight(2 as unknown as string)).toBeNull();
    expect(parseWeight(null as unknown as string)).toBeNull();
  });
});

describe('formatWeight', () => {
  it.each([
    [20000, '2'],
    [15000, '1.5'],
    [1234, '0.1234'],
    [1, '0.0001'],
    [10, '0.001'],
    [12340, '1.234'],
    [100000, '10'],
    [1000500, '100.05'],
    [9999999999999, '999999999.9999'],
  ])('%p -> %p', (scaled, expected) => {
    expect(formatWeight(scaled)).toBe(expected);
  });

  it.each([[0], [-1], [1.5], [Number.NaN], [MAX_WEIGHT_SCALED + 1]])('rejects %p with INVALID_WEIGHT', (scaled) => {
    expect(() => formatWeight(scaled)).toThrow(expect.objectContaining({ code: 'INVALID_WEIGHT' }));
  });
});

describe('weight round trip', () => {
  const scaledWeight = fc.integer({ min: 1, max: MAX_WEIGHT_SCALED });

  it('parseWeight(formatWeight(w)) === w for every valid scaled weight', () => {
    fc.assert(
      fc.property(scaledWeight, (w) => parseWeight(formatWeight(w)) === w),
      { numRuns: 2000 },
    );
  });

  it('formatWeight output is minimal: no trailing fractional zero, no dangling dot', () => {
    fc.assert(
      fc.property(scaledWeight, (w) => {
        const text = formatWeight(w);
        expect(text).toMatch(/^(0|[1-9][0-9]{0,8})(\.[0-9]{0,3}[1-9])?$/);
      }),
    );
  });

  it('parses any plain decimal text to integer × 10^4 + padded fraction', () => {
    const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
    fc.assert(
      fc.property(digits(1, 9), fc.option(digits(1, 4), { nil: undefined }), (intPart, fracPart) => {
        const text = fracPart === undefined ? intPart : `${intPart}.${fracPart}`;
        const expected = Number(intPart) * WEIGHT_SCALE + Number((fracPart ?? '').padEnd(4, '0'));
        expect(parseWeight(text)).toBe(expected > 0 ? expected : null);
      }),
      { numRuns: 2000 },
    );
  });
});
