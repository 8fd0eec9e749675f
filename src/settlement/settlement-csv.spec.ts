import { csvField } from '../common/http/csv';
import { ExportRecord, headerLine, recordLine, trailerLine } from './settlement-csv';

const row = (description: string, quantity: string | null = null): ExportRecord => [
  'c1',
  'BA-1',
  'ADJUSTMENT',
  '2026-11',
  description,
  quantity,
  '-500',
  '-28',
  'CNY',
];

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
    expect(recordLine(row('x,"y"'))).toBe('c1,BA-1,ADJUSTMENT,2026-11,"x,""y""",,-500,-28,CNY\n');
    expect(recordLine(row('plain', '10000000'))).toContain(',10000000,');
    expect(trailerLine('b1', 3, 12345n)).toBe('TRAILER,b1,3,12345\n');
  });
});
