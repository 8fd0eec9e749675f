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

/** Text a spreadsheet would read as a formula (or strip to one) when it opens the file. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * For CSV that people open in a spreadsheet (invoices): free text that would start a formula gets
 * a leading apostrophe, which spreadsheets show as text. Only for text cells: numbers such as a
 * credit of -500 fen stay numbers. Never used for the settlement file, whose bytes are the data.
 */
export function spreadsheetText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
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
