import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { Job, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { UsageMetrics } from '../metrics/usage-metrics';
import { QUEUES } from '../queue/queue-names';
import { UsageRecorder } from './ledger/usage-recorder.service';
import { toUsageEvent } from './usage-event';
import { InvalidUsageBatch, USAGE_BATCH_JOB, parseUsageBatch } from './usage-job';

/**
 * Consumes usage batches. A job is safe to redeliver at any point: the recorder's transaction
 * either committed (redelivery finds every id claimed: all duplicates) or rolled back entirely.
 */
@Processor(QUEUES.usageEvents, { autorun: false })
export class UsageEventsProcessor extends ConfiguredWorkerHost {
  private readonly logger = new Logger(UsageEventsProcessor.name);

  constructor(
    private readonly recorder: UsageRecorder,
    protected readonly config: AppConfig,
    private readonly metrics: UsageMetrics,
  ) {
    super();
  }

  protected override concurrency(): number {
    return this.config.WORKER_CONCURRENCY;
  }

  async process(job: Job): Promise<{ recorded: number; duplicates: number; rejected: number }> {
    if (job.name !== USAGE_BATCH_JOB) throw new UnrecoverableError(`unknown job name ${job.name}`);
    let events;
    try {
      events = parseUsageBatch(job.data).events.map(toUsageEvent);
    } catch (e) {
      if (e instanceof InvalidUsageBatch) throw new UnrecoverableError(e.message);
      throw e;
    }
    const { recorded, duplicates, rejected } = this.metrics.batchRecorded(job, await this.recorder.record(events));
    this.logger.debug({ jobId: job.id, recorded, duplicates, rejected }, 'usage batch recorded');
    return { recorded, duplicates, rejected };
  }
}
