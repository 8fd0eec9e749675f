import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { Job, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { UsageMetrics } from '../metrics/usage-metrics';
import { QUEUES } from '../queue/queue-names';
import { USAGE_BATCH_JOB } from './usage-job';
import { JobOutcome, UsageJobRecorder } from './usage-job-recorder.service';

/**
 * Consumes usage batches. A job is safe to redeliver at any point: each of its transactions
 * either committed (redelivery finds those ids claimed: duplicates) or rolled back entirely.
 * Only a payload with no events list at all fails for good; one bad event never fails a job.
 */
@Processor(QUEUES.usageEvents, { autorun: false })
export class UsageEventsProcessor extends ConfiguredWorkerHost {
  private readonly logger = new Logger(UsageEventsProcessor.name);

  constructor(
    private readonly recorder: UsageJobRecorder,
    protected readonly config: AppConfig,
    private readonly metrics: UsageMetrics,
  ) {
    super();
  }

  protected override concurrency(): number {
    return this.config.WORKER_CONCURRENCY;
  }

  async process(job: Job): Promise<Omit<JobOutcome, 'outcomes'>> {
    if (job.name !== USAGE_BATCH_JOB) throw new UnrecoverableError(`unknown job name ${job.name}`);
    const events = (job.data as { events?: unknown } | null)?.events;
    if (!Array.isArray(events) || events.length === 0) throw new UnrecoverableError('a usage batch needs a non-empty events array');
    const outcome = await this.recorder.record(events);
    // Unrecordable events are rejections too (reason UNRECORDABLE) for the metrics.
    this.metrics.batchRecorded(job, { ...outcome, rejected: outcome.rejected + outcome.unrecordable });
    const { recorded, duplicates, rejected, unrecordable } = outcome;
    this.logger.debug({ jobId: job.id, recorded, duplicates, rejected, unrecordable }, 'usage batch recorded');
    return { recorded, duplicates, rejected, unrecordable };
  }
}
