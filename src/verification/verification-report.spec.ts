import { asJson, buildReport, differingFields } from './verification-report';

describe('verification report', () => {
  it('names only the fields that differ, expected beside actual', () => {
    expect(differingFields({ overageCredits: '10', unbilledCredits: '5' }, { overageCredits: '10', unbilledCredits: '4' })).toEqual({
      expected: { unbilledCredits: 5 },
      actual: { unbilledCredits: 4 },
    });
    expect(differingFields({ a: '1', b: null }, { a: '1', b: null })).toBeNull();
  });

  it('keeps integers beyond 2^53 − 1 exact, as decimal text', () => {
    expect(asJson('9007199254740991')).toBe(9007199254740991);
    expect(asJson('9007199254740993')).toBe('9007199254740993');
    expect(differingFields({ x: '9007199254740993' }, { x: '9007199254740992' })).toEqual({
      expected: { x: '9007199254740993' },
      actual: { x: '9007199254740992' },
    });
    expect(asJson('2026-11')).toBe('2026-11');
    expect(asJson(null)).toBeNull();
  });

  it('sums what each check compared and found; ok only with no difference at all', () => {
    const started = new Date('2026-11-29T00:00:00Z');
    const diff = { kind: 'charge' as const, entity: 'charge', id: 'c1', expected: { taxFen: 56 }, actual: { taxFen: 57 } };
    const report = buildReport(started, [
      { kind: 'bucket-balance', checked: 3, differenceCount: 0, differences: [] },
      { kind: 'charge', checked: 2, differenceCount: 1500, differences: [diff] },
    ]);
    expect(report.ok).toBe(false);
    expect(report.summary.checked).toMatchObject({ 'bucket-balance': 3, charge: 2, invoice: 0 });
    expect(report.summary.differences).toMatchObject({ 'bucket-balance': 0, charge: 1500 });
    expect(report.summary.totalDifferences).toBe(1500);
    expect(report.differences).toEqual([diff]);
    expect(buildReport(started, [{ kind: 'invoice', checked: 4, differenceCount: 0, differences: [] }]).ok).toBe(true);
  });
});
