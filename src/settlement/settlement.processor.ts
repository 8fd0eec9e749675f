import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { QUEUES } from '../queue/queue-names';
import { JobSchedule } from '../queue/job-scheduler-registry';
import { SettlementRunner } from './settlement-runner.service';

export const SETTLEMENT_RUN = 'settlement-run';
/** Stable scheduler id: upserting it on every start keeps exactly one nightly schedule. */
export const SETTLEMENT_NIGHTLY = 'settlement-nightly';

@Processor(QUEUES.settlement, { autorun: false })
export class SettlementProcessor extends ConfiguredWorkerHost {
  private readonly logger = new Logger(SettlementProcessor.name);

  constructor(
    @InjectQueue(QUEUES.settlement) private readonly queue: Queue,
    private readonly runner: SettlementRunner,
    protected readonly config: AppConfig,
  ) {
    super();
  }

  protected override schedules(): JobSchedule[] {
    return [{ queue: this.queue, id: SETTLEMENT_NIGHTLY, repeat: { pattern: '0 2 * * *', tz: this.config.BILLING_TZ }, template: { name: SETTLEMENT_RUN } }];
  }

  async process(job: Job): Promise<{ batchId: string | null; recordCount: number }> {
    if (job.name !== SETTLEMENT_RUN) throw new Error(`unknown settlement job ${job.name}`);
    const { body } = await this.runner.run(null);
    this.logger.log({ batchId: body?.id ?? null, records: body?.recordCount ?? 0 }, 'settlement run finished');
    return { batchId: body?.id ?? null, recordCount: body?.recordCount ?? 0 };
  }
}
