import { csvLine, spreadsheetText } from '../common/http/csv';
import { InvoiceView } from './dto/invoice.dto';

const HEADER = [
  'invoiceId',
  'accountId',
  'billingPeriod',
  'invoiceStatus',
  'recordId',
  'chargeType',
  'description',
  'quantity',
  'amountFen',
  'taxFen',
  'currency',
  'chargeStatus',
];

/**
 * One row per invoice line, the invoice's own fields repeated; totals are the sums of the rows.
 * Descriptions (free text from reasons and plan names) are made formula-safe for spreadsheets.
 */
export function invoicesCsv(invoices: InvoiceView[]): string {
  let out = csvLine(HEADER);
  for (const inv of invoices) {
    for (const l of inv.lines) {
      out += csvLine([
        inv.id,
        inv.accountId,
        inv.billingPeriod,
        inv.status,
        l.id,
        l.type,
        spreadsheetText(l.description),
        l.quantity,
        l.amountFen,
        l.taxFen,
        l.currency,
        l.status,
      ]);
    }
  }
  return out;
}
