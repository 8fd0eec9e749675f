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
 * Invoices are computed on read. `updatedAt` is the latest of: a line's updated_at, a cycle of the
 * account in the period created or rated (either can flip open/final), and the period's end once
 * it has passed (the moment an invoice without cycles becomes final). `periodEnds` comes from
 * billing-rules, so no time-zone arithmetic happens in SQL.
 */
export async function invoiceHeads(em: EntityManager, f: HeadFilter, periodEnds: Map<string, Date>, now: Date, limit: number): Promise<InvoiceHead[]> {
  const params: unknown[] = [[...periodEnds.keys()], [...periodEnds.values()].map((d) => d.toISOString()), now.toISOString()];
  const add = (value: unknown) => `$${params.push(value)}`;
  const where = [f.id && `i.id = ${add(f.id)}`, f.accountId && `i.account_id = ${add(f.accountId)}`, f.period && `i.billing_period = ${add(f.period)}`].filter(
    Boolean,
  );
  const outer = [
    f.updatedSince && `updated_at >= ${add(f.updatedSince.toISOString())}`,
    f.after && `(updated_at, id) > (${add(f.after.updatedAt)}::timestamptz, ${add(f.after.id)}::uuid)`,
  ].filter(Boolean);
  const rows: HeadRow[] = await em.query(
    `WITH pe AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS pe(period, end_at)),
     heads AS (
       SELECT i.id, i.account_id, i.billing_period, pe.end_at, cy.unrated, cy.cycles_at,
              (SELECT max(c.updated_at) FROM charges c WHERE c.account_id = i.account_id AND c.billing_period = i.billing_period) AS charges_at
       FROM invoices i JOIN pe ON pe.period = i.billing_period
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE c.status <> 'rated') AS unrated, max(greatest(c.created_at, c.rated_at)) AS cycles_at
         FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id
         WHERE s.account_id = i.account_id AND c.period = i.billing_period) cy
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}),
     v AS (
       SELECT id, account_id, billing_period, (unrated = 0 AND end_at <= $3) AS final,
              greatest(charges_at, cycles_at, CASE WHEN end_at <= $3 THEN end_at END) AS updated_at
       FROM heads WHERE charges_at IS NOT NULL)
     SELECT * FROM v ${outer.length ? `WHERE ${outer.join(' AND ')}` : ''} ORDER BY updated_at, id LIMIT ${limit}`,
    params,
  );
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, billingPeriod: r.billing_period, final: r.final, updatedAt: r.updated_at }));
}
