import { DbIntegerError, dbInt, dbIntOrNull, dbIntOrZero } from './db-integer';

describe('dbInt: integers read raw from PostgreSQL', () => {
  it('converts text, numbers and bigints exactly up to 2^53 - 1', () => {
    expect(dbInt('9007199254740991', 'x')).toBe(Number.MAX_SAFE_INTEGER);
    expect(dbInt('-42', 'x')).toBe(-42);
    expect(dbInt(7, 'x')).toBe(7);
    expect(dbInt(12n, 'x')).toBe(12);
  });

  it('refuses a value Number() would round, naming it', () => {
    expect(() => dbInt('9007199254740993', 'bucket remaining_credits')).toThrow(DbIntegerError);
    expect(() => dbInt('9007199254740993', 'bucket remaining_credits')).toThrow(/bucket remaining_credits 9007199254740993 exceeds 2\^53 - 1/);
    expect(() => dbInt(2 ** 53, 'x')).toThrow(DbIntegerError);
  });

  it('refuses what is not an integer, and a missing value', () => {
    expect(() => dbInt('1.5', 'x')).toThrow(/not an integer/);
    expect(() => dbInt('', 'x')).toThrow(/not an integer/);
    expect(() => dbInt(null, 'fee')).toThrow(/fee is missing/);
  });

  it('keeps null as null, or as zero where nothing was summed', () => {
    expect(dbIntOrNull(null, 'cap')).toBeNull();
    expect(dbIntOrNull('5', 'cap')).toBe(5);
    expect(dbIntOrZero(null, 'used')).toBe(0);
    expect(dbIntOrZero('3', 'used')).toBe(3);
  });
});
