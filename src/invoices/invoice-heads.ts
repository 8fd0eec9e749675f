import { EntityManager } from 'typeorm';

/** One invoice without its lines: what decides its status and its updatedAt. */
export interface InvoiceHead {
  id: string;
  accountId: string;
  billingPeriod: string;
  final: boolean;
  updatedAt: Date;
}

export interface HeadFilter {
  id?: string;
  accountId?: string;
  period?: string;
  updatedSince?: Date;
  after?: { updatedAt: string; id: string };
}

interface HeadRow {
  id: string;
  account_id: string;
  billing_period: string;
  final: boolean;
  updated_at: Date;
}

/**
 * Final once the period has ended and no cycle of the account in the period is still unrated
 * (an invoice whose account has no cycle in the period is final at the period end). Written as a
 * LATERAL probe with LIMIT, which the planner keeps per invoice: it never hashes every cycle.
 */
const UNRATED = `LEFT JOIN LATERAL (
  SELECT true AS found FROM subscriptions s JOIN cycles c ON c.subscription_id = s.id
  WHERE s.account_id = i.account_id AND c.period = i.billing_period AND c.status <> 'rated' LIMIT 1) unrated ON true`;
const FINAL = `(i.period_end_at <= $1 AND unrated.found IS NULL)`;

/**
 * Invoice heads ordered by (updatedAt, id), at most `limit`. An invoice's updatedAt at `now` is its
 * latest change in `invoice_changes` (written by triggers: a line inserted or updated, a cycle of the
 * account in the period created or rated, the period end) that is not after `now`.
 *
 * The work is bounded by the page, not by the number of invoices: without an account or an id the
 * query walks the change log in (at, invoice_id) order from the cursor and keeps each invoice's
 * latest visible change only; with an account (or an id) it starts from that account's few invoices.
 */
export async function invoiceHeads(em: EntityManager, f: HeadFilter, now: Date, limit: number): Promise<InvoiceHead[]> {
  const params: unknown[] = [now.toISOString()];
  const add = (value: unknown) => `$${params.push(value)}`;
  const rows: HeadRow[] = await em.query(f.id || f.accountId ? byInvoice(f, add, limit) : byChangeLog(f, add, limit), params);
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, billingPeriod: r.billing_period, final: r.final, updatedAt: r.updated_at }));
}

type Param = (value: unknown) => string;

function byChangeLog(f: HeadFilter, add: Param, limit: number): string {
  const where = [
    'ch.at <= $1',
    f.period && `ch.billing_period = ${add(f.period)}`,
    f.updatedSince && `ch.at >= ${add(f.updatedSince.toISOString())}`,
    f.after && `(ch.at, ch.invoice_id) > (${add(f.after.updatedAt)}::timestamptz, ${add(f.after.id)}::uuid)`,
  ].filter(Boolean);
  return `
    WITH page AS (
      SELECT ch.invoice_id, ch.at FROM invoice_changes ch
      WHERE ${where.join(' AND ')}
        AND NOT EXISTS (SELECT 1 FROM invoice_changes later
                        WHERE later.invoice_id = ch.invoice_id AND later.at <= $1 AND (later.at, later.seq) > (ch.at, ch.seq))
      ORDER BY ch.at, ch.invoice_id
      LIMIT ${limit})
    SELECT i.id, i.account_id, i.billing_period, page.at AS updated_at, ${FINAL} AS final
    FROM page CROSS JOIN LATERAL (SELECT * FROM invoices i WHERE i.id = page.invoice_id LIMIT 1) i ${UNRATED}
    ORDER BY page.at, i.id`;
}

function byInvoice(f: HeadFilter, add: Param, limit: number): string {
  const where = [f.id && `i.id = ${add(f.id)}`, f.accountId && `i.account_id = ${add(f.accountId)}`, f.period && `i.billing_period = ${add(f.period)}`].filter(
    Boolean,
  );
  const outer = [
    'updated_at IS NOT NULL',
    f.updatedSince && `updated_at >= ${add(f.updatedSince.toISOString())}`,
    f.after && `(updated_at, id) > (${add(f.after.updatedAt)}::timestamptz, ${add(f.after.id)}::uuid)`,
  ].filter(Boolean);
  return `
    WITH v AS (
      SELECT i.id, i.account_id, i.billing_period, ${FINAL} AS final,
             (SELECT max(ch.at) FROM invoice_changes ch WHERE ch.invoice_id = i.id AND ch.at <= $1) AS updated_at
      FROM invoices i ${UNRATED} WHERE ${where.join(' AND ')})
    SELECT * FROM v WHERE ${outer.join(' AND ')} ORDER BY updated_at, id LIMIT ${limit}`;
}
