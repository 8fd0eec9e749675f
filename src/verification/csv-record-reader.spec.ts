import { CsvRecordReader } from './csv-record-reader';

function readAll(text: string, chunk: number): string[][] {
  const reader = new CsvRecordReader();
  const out: string[][] = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...reader.push(text.slice(i, i + chunk)));
  return [...out, ...reader.end()];
}

describe('CsvRecordReader (RFC 4180)', () => {
  const text = 'a,b,c\n1,"x, ""y""",\n2,"line\nbreak",z\nTRAILER,b1,2,990\n';
  const expected = [
    ['a', 'b', 'c'],
    ['1', 'x, "y"', ''],
    ['2', 'line\nbreak', 'z'],
    ['TRAILER', 'b1', '2', '990'],
  ];

  it.each([1, 2, 3, 7, 1000])('reads quoted commas, doubled quotes and line breaks whatever the chunk size (%i)', (chunk) => {
    expect(readAll(text, chunk)).toEqual(expected);
  });

  it('keeps a last record without a line break, and an empty quoted field', () => {
    expect(readAll('a,""\nb,c', 4)).toEqual([
      ['a', ''],
      ['b', 'c'],
    ]);
  });

  it('refuses a quoted field that never closes', () => {
    const reader = new CsvRecordReader();
    reader.push('a,"open');
    expect(() => reader.end()).toThrow('unterminated');
  });
});
