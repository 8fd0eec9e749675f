import { csvField } from './csv';
import { ExportRow, headerLine, recordLine, trailerLine } from './settlement-csv';

const row = (over: Partial<ExportRow>): ExportRow => ({
  id: 'c1',
  account_external_ref: 'BA-1',
  type: 'ADJUSTMENT',
  billing_period: '2026-11',
  description: 'plain',
  quantity: null,
  amount_fen: '-500',
  tax_fen: '-28',
  currency: 'CNY',
  seq: '1',
  ...over,
});

describe('settlement CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rhere', '"cr\rhere"'],
    ['退款，服务中断', '退款，服务中断'],
    ['', ''],
  ])('quotes %j as %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it('writes the exact header, empty quantity for null, and a LF-terminated trailer', () => {
    expect(headerLine()).toBe('recordId,accountExternalRef,chargeType,billingPeriod,description,quantity,amountFen,taxFen,currency\n');
    expect(recordLine(row({ description: 'x,"y"' }))).toBe('c1,BA-1,ADJUSTMENT,2026-11,"x,""y""",,-500,-28,CNY\n');
    expect(recordLine(row({ quantity: '10000000' }))).toContain(',10000000,');
    expect(trailerLine('b1', 3, 12345n)).toBe('TRAILER,b1,3,12345\n');
  });
});
