import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { UsageLedgerRepository } from '../usage/ledger/usage-ledger.repository';
import { CompactionResult, ProviderUsagePartsRepository } from '../usage/ledger/provider-usage-parts.repository';
import { AppConfig } from '../config/app-config';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { QUEUES } from '../queue/queue-names';
import { JobSchedule } from '../queue/job-scheduler-registry';
import { InvoiceChangeLog } from '../invoices/invoice-change-log';

export const PURGE_IDEMPOTENCY_KEYS = 'purge-idempotency-keys';
export const ENSURE_LEDGER_PARTITIONS = 'ensure-ledger-partitions';
export const PRUNE_INVOICE_CHANGES = 'prune-invoice-changes';
export const COMPACT_PROVIDER_USAGE = 'compact-provider-usage';
const PARTITION_MONTHS_AHEAD = 3;
/** Idempotency keys are honoured for this long; clients retry within minutes, not weeks. */
export const IDEMPOTENCY_RETENTION_DAYS = 7;

@Processor(QUEUES.maintenance, { autorun: false })
export class MaintenanceProcessor extends ConfiguredWorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    @InjectQueue(QUEUES.maintenance) private readonly queue: Queue,
    private readonly idempotency: IdempotencyService,
    private readonly ledger: UsageLedgerRepository,
    private readonly providerUsage: ProviderUsagePartsRepository,
    private readonly dataSource: DataSource,
    private readonly invoiceChanges: InvoiceChangeLog,
    protected readonly config: AppConfig,
  ) {
    super();
  }

  protected override schedules(): JobSchedule[] {
    const tz = this.config.BILLING_TZ;
    return [
      { queue: this.queue, id: PURGE_IDEMPOTENCY_KEYS, repeat: { pattern: '30 3 * * *', tz }, template: { name: PURGE_IDEMPOTENCY_KEYS } },
      { queue: this.queue, id: ENSURE_LEDGER_PARTITIONS, repeat: { pattern: '45 3 * * *', tz }, template: { name: ENSURE_LEDGER_PARTITIONS } },
      { queue: this.queue, id: PRUNE_INVOICE_CHANGES, repeat: { pattern: '*/5 * * * *', tz }, template: { name: PRUNE_INVOICE_CHANGES } },
      {
        queue: this.queue,
        id: COMPACT_PROVIDER_USAGE,
        repeat: { every: this.config.PROVIDER_USAGE_COMPACT_EVERY_MS },
        template: { name: COMPACT_PROVIDER_USAGE },
      },
    ];
  }

  async process(job: Job): Promise<{ purged: number } | { monthsAhead: number } | { scanned: number; pruned: number } | CompactionResult> {
    if (job.name === PRUNE_INVOICE_CHANGES) {
      const { scanned, pruned } = await this.invoiceChanges.prune();
      return { scanned, pruned };
    }
    if (job.name === COMPACT_PROVIDER_USAGE) {
      // Each statement is its own transaction; a job killed midway leaves whole keys folded or not.
      const done = await this.providerUsage.compactAll(this.dataSource.manager);
      if (done.keys > 0) this.logger.log(done, 'provider usage parts compacted');
      return done;
    }
    if (job.name === ENSURE_LEDGER_PARTITIONS) {
      await this.ledger.ensurePartitions(this.dataSource.manager, PARTITION_MONTHS_AHEAD);
      return { monthsAhead: PARTITION_MONTHS_AHEAD };
    }
    if (job.name !== PURGE_IDEMPOTENCY_KEYS) throw new UnrecoverableError(`unknown maintenance job ${job.name}`);
    const cutoff = new Date(Date.now() - IDEMPOTENCY_RETENTION_DAYS * 86400_000);
    const purged = await this.idempotency.purgeOlderThan(cutoff);
    this.logger.log({ purged }, 'purged expired idempotency keys');
    return { purged };
  }
}
