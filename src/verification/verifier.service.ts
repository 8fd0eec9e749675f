import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { periodBounds } from '../billing-rules';
import { AppConfig } from '../config/app-config';
import { ReconciliationRepository } from './reconciliation.repository';
import { SettlementFileCheck } from './settlement-file-check';
import { CheckResult, VerificationReport, buildReport } from './verification-report';
import { Clock } from '../common/clock/clock';

/**
 * Recomputes every derived figure from its source (balances and counters from the usage ledger,
 * charges and invoices from what they bill, settlement batches from their files and charges) and
 * reports each difference. Zero differences is the normal state.
 *
 * Why one REPEATABLE READ, read-only transaction: ingest, the bill run and settlement keep writing
 * while this runs; every check must see the same instant, or a batch committed between two
 * statements would show as a bucket that disagrees with the ledger.
 */
@Injectable()
export class Verifier {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly reconciliation: ReconciliationRepository,
    private readonly settlementFiles: SettlementFileCheck,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<VerificationReport> {
    const startedAt = this.clock.now();
    const results = await this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await em.query('SET TRANSACTION READ ONLY');
      const out: CheckResult[] = [];
      out.push(await this.reconciliation.bucketBalances(em));
      out.push(await this.reconciliation.ledgerEntries(em));
      out.push(await this.reconciliation.cycleUsage(em));
      out.push(await this.reconciliation.memberUsage(em));
      out.push(await this.reconciliation.providerUsage(em, this.config.BILLING_TZ));
      out.push(await this.reconciliation.charges(em));
      out.push(await this.reconciliation.invoices(em, this.config.TAX_RATE_BP, startedAt, (p) => periodBounds(p, this.config.BILLING_TZ).end));
      out.push(await this.settlementFiles.run(em));
      return out;
    });
    return buildReport(startedAt, results);
  }
}
