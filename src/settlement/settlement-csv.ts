import { csvLine } from '../common/http/csv';

export const SETTLEMENT_HEADER = [
  'recordId',
  'accountExternalRef',
  'chargeType',
  'billingPeriod',
  'description',
  'quantity',
  'amountFen',
  'taxFen',
  'currency',
] as const;

/**
 * One charge as read for export, in file column order (rowMode 'array'): id, accountExternalRef,
 * type, billingPeriod, description, quantity, amountFen, taxFen, currency. Integers stay the decimal
 * text PostgreSQL sent, never a float.
 */
export type ExportRecord = readonly [string, string, string, string, string, string | null, string, string, string];

/** The SELECT list matching ExportRecord. */
export const EXPORT_COLUMNS = 'id, account_external_ref, type, billing_period, description, quantity, amount_fen, tax_fen, currency';

export function headerLine(): string {
  return csvLine(SETTLEMENT_HEADER);
}

export function recordLine(r: ExportRecord): string {
  return csvLine(r);
}

export function amountOf(r: ExportRecord): bigint {
  return BigInt(r[6]);
}

/** `TRAILER,<batchId>,<recordCount>,<totalAmountFen>`, ending with `\n` like every other line. */
export function trailerLine(batchId: string, recordCount: number, totalAmountFen: bigint | number): string {
  return csvLine(['TRAILER', batchId, recordCount, totalAmountFen]);
}
