import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { containedTaxFen, periodOf } from '../billing-rules';
import { Charge, ChargeType } from './entities/charge.entity';

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

/**
 * The one place charges are created. Tax is always derived here from the configured rate, and the
 * insert is idempotent on its unique keys ((cycle, type) and (type, sourceRef)): writing the same
 * charge twice returns the first.
 */
@Injectable()
export class ChargeWriter {
  constructor(private readonly config: AppConfig) {}

  async write(em: EntityManager, c: NewCharge, at = new Date()): Promise<{ charge: Charge; created: boolean }> {
    const taxRateBp = this.config.TAX_RATE_BP;
    const rows: { id: string }[] = await em.query(
      `INSERT INTO charges (account_id, account_external_ref, subscription_id, cycle_id, billing_period, type, description,
                            quantity, amount_fen, tax_rate_bp, tax_fen, source_ref, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        c.accountId,
        c.accountExternalRef,
        c.subscriptionId ?? null,
        c.cycleId ?? null,
        c.billingPeriod ?? periodOf(at, this.config.BILLING_TZ),
        c.type,
        c.description,
        c.quantity,
        c.amountFen,
        taxRateBp,
        containedTaxFen(c.amountFen, taxRateBp),
        c.sourceRef ?? null,
        at.toISOString(),
      ],
    );
    if (rows.length === 1) return { charge: await em.findOneByOrFail(Charge, { id: rows[0].id }), created: true };
    const existing = c.cycleId
      ? await em.findOneByOrFail(Charge, { cycleId: c.cycleId, type: c.type })
      : await em.findOneByOrFail(Charge, { type: c.type, sourceRef: c.sourceRef ?? '' });
    return { charge: existing, created: false };
  }
}
