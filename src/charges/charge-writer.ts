import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { containedTaxFen, periodBounds, periodOf } from '../billing-rules';
import { Charge, ChargeType } from './entities/charge.entity';
import { dbInt } from '../database/db-integer';
import { Clock } from '../common/clock/clock';

export interface NewCharge {
  accountId: string;
  accountExternalRef: string;
  subscriptionId?: string | null;
  cycleId?: string | null;
  /** Defaults to the month of `at` in the billing time zone (top-ups and adjustments). */
  billingPeriod?: string;
  type: ChargeType;
  description: string;
  quantity: number | null;
  amountFen: number;
  sourceRef?: string | null;
}

export interface WrittenCharge {
  type: ChargeType;
  amountFen: number;
}

/**
 * Wraps an `INSERT INTO charges … RETURNING` so that the same statement registers the invoice of
 * every (account, period) it actually created a charge for, with the instant that period ends
 * ($14 periods, $15 their ends). A skipped duplicate registers nothing, so there is never an invoice
 * without lines. This is the only writer of charges, so every charge has its invoice (the verifier
 * checks it). Invoices are inserted in key order, so transactions
 * registering overlapping invoices wait for each other in the same order and cannot deadlock.
 */
function withInvoices(insertReturning: string, columns: string, orderBy?: string): string {
  return `WITH inserted AS (${insertReturning.replace(/RETURNING (.*)$/, 'RETURNING $1, account_id, billing_period')}),
    registered AS (
      INSERT INTO invoices (account_id, billing_period, period_end_at)
      SELECT DISTINCT n.account_id, n.billing_period, e.end_at
      FROM inserted n JOIN unnest($14::text[], $15::timestamptz[]) AS e(period, end_at) ON e.period = n.billing_period
      ORDER BY 1, 2
      ON CONFLICT (account_id, billing_period) DO NOTHING)
    SELECT ${columns} FROM inserted${orderBy ? ` ORDER BY ${orderBy}` : ''}`;
}

/**
 * The one place charges are created. Tax is always derived here from the configured rate, and the
 * insert is idempotent on its unique keys ((cycle, type) and (type, sourceRef)): writing the same
 * charge twice returns the first.
 */
@Injectable()
export class ChargeWriter {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async write(em: EntityManager, c: NewCharge, at = this.clock.now()): Promise<{ charge: Charge; created: boolean }> {
    const taxRateBp = this.config.TAX_RATE_BP;
    const period = c.billingPeriod ?? periodOf(at, this.config.BILLING_TZ);
    const rows: { id: string }[] = await em.query(
      withInvoices(
        `INSERT INTO charges (account_id, account_external_ref, subscription_id, cycle_id, billing_period, type, description,
                              quantity, amount_fen, tax_rate_bp, tax_fen, source_ref, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
         ON CONFLICT DO NOTHING RETURNING id`,
        'id',
      ),
      [
        c.accountId,
        c.accountExternalRef,
        c.subscriptionId ?? null,
        c.cycleId ?? null,
        period,
        c.type,
        c.description,
        c.quantity,
        c.amountFen,
        taxRateBp,
        containedTaxFen(c.amountFen, taxRateBp),
        c.sourceRef ?? null,
        at.toISOString(),
        ...this.periodEnds([period]),
      ],
    );
    if (rows.length === 1) return { charge: await em.findOneByOrFail(Charge, { id: rows[0].id }), created: true };
    const existing = c.cycleId
      ? await em.findOneByOrFail(Charge, { cycleId: c.cycleId, type: c.type })
      : await em.findOneByOrFail(Charge, { type: c.type, sourceRef: c.sourceRef ?? '' });
    return { charge: existing, created: false };
  }

  /**
   * Bulk form for the bill run: one INSERT for many charges; conflicts on the unique keys are
   * skipped, and only the charges actually created are returned (so counts stay exact on redo).
   */
  async writeMany(em: EntityManager, charges: NewCharge[], at = this.clock.now()): Promise<WrittenCharge[]> {
    if (charges.length === 0) return [];
    const bp = this.config.TAX_RATE_BP;
    const col = <T>(f: (c: NewCharge) => T) => charges.map(f);
    const periods = col((c) => c.billingPeriod ?? periodOf(at, this.config.BILLING_TZ));
    const rows: { type: ChargeType; amount_fen: string }[] = await em.query(
      withInvoices(
        `INSERT INTO charges (account_id, account_external_ref, subscription_id, cycle_id, billing_period, type, description,
                              quantity, amount_fen, tax_rate_bp, tax_fen, source_ref, created_at, updated_at)
         SELECT a, r, s, c, p, t, d, q, amt, $12, tax, src, $13, $13
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::bigint[],
                     $9::bigint[], $10::bigint[], $11::text[]) AS x(a, r, s, c, p, t, d, q, amt, tax, src)
         ON CONFLICT DO NOTHING RETURNING seq, type, amount_fen`,
        'type, amount_fen',
        'seq',
      ),
      [
        col((c) => c.accountId),
        col((c) => c.accountExternalRef),
        col((c) => c.subscriptionId ?? null),
        col((c) => c.cycleId ?? null),
        periods,
        col((c) => c.type),
        col((c) => c.description),
        col((c) => c.quantity),
        col((c) => c.amountFen),
        col((c) => containedTaxFen(c.amountFen, bp)),
        col((c) => c.sourceRef ?? null),
        bp,
        at.toISOString(),
        ...this.periodEnds(periods),
      ],
    );
    return rows.map((r) => ({ type: r.type, amountFen: dbInt(r.amount_fen, 'charge amount_fen') }));
  }

  /** Parameters $14 and $15 of withInvoices: each distinct period and the instant it ends. */
  private periodEnds(periods: string[]): [string[], string[]] {
    const distinct = [...new Set(periods)];
    return [distinct, distinct.map((p) => periodBounds(p, this.config.BILLING_TZ).end.toISOString())];
  }
}
