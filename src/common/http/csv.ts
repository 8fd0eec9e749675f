import { StreamableFile } from '@nestjs/common';
import { Request } from 'express';

export type CsvValue = string | number | bigint | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled; null is empty. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, terminated by `\n` (every line of our files ends with LF, the last one too). */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** True when the client prefers text/csv over JSON (`Accept: text/csv`). */
export function wantsCsv(req: Request): boolean {
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/** A CSV body for a controller to return (its headers are set on the passthrough response). */
export function csvBody(text: string): StreamableFile {
  return new StreamableFile(Buffer.from(text, 'utf8'), { type: CSV_CONTENT_TYPE });
}
