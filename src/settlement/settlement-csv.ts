import { csvLine } from './csv';

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

/** A charge as read for export; integers stay the decimal text PostgreSQL sent, never a float. */
export interface ExportRow {
  id: string;
  account_external_ref: string;
  type: string;
  billing_period: string;
  description: string;
  quantity: string | null;
  amount_fen: string;
  tax_fen: string;
  currency: string;
  seq: string;
}

export function headerLine(): string {
  return csvLine(SETTLEMENT_HEADER);
}

export function recordLine(r: ExportRow): string {
  return csvLine([r.id, r.account_external_ref, r.type, r.billing_period, r.description, r.quantity, r.amount_fen, r.tax_fen, r.currency]);
}

/** `TRAILER,<batchId>,<recordCount>,<totalAmountFen>`, ending with `\n` like every other line. */
export function trailerLine(batchId: string, recordCount: number, totalAmountFen: bigint | number): string {
  return csvLine(['TRAILER', batchId, recordCount, totalAmountFen]);
}
