import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
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

  async process(job: Job, token?: string): Promise<Omit<JobOutcome, 'outcomes'>> {
    if (job.name !== USAGE_BATCH_JOB) throw new UnrecoverableError(`unknown job name ${job.name}`);
    const events = (job.data as { events?: unknown } | null)?.events;
    if (!Array.isArray(events) || events.length === 0) throw new UnrecoverableError('a usage batch needs a non-empty events array');
    const outcome = await this.recordOrDefer(job, events, token);
    // Unrecordable events are rejections too (reason UNRECORDABLE) for the metrics.
    this.metrics.batchRecorded(job, { ...outcome, rejected: outcome.rejected + outcome.unrecordable });
    const { recorded, duplicates, rejected, unrecordable } = outcome;
    this.logger.debug({ jobId: job.id, recorded, duplicates, rejected, unrecordable }, 'usage batch recorded');
    return { recorded, duplicates, rejected, unrecordable };
  }

  /**
   * The recorder throws only for the moment's faults (PostgreSQL down, a connection lost): events
   * that are themselves at fault are set aside as UNRECORDABLE. So a job whose attempts are spent
   * must not land in the failed set, where its events would wait for a human: on its last attempt
   * it is put back as delayed, which spends no attempt, and tried again until the database answers.
   */
  private async recordOrDefer(job: Job, events: unknown[], token: string | undefined): Promise<JobOutcome> {
    try {
      return await this.recorder.record(events);
    } catch (err) {
      if (!token || job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw err;
      this.logger.warn({ jobId: job.id, err }, 'usage batch deferred: its attempts are spent, the fault is not its events');
      await job.moveToDelayed(Date.now() + this.config.USAGE_DEFER_MS, token);
      throw new DelayedError();
    }
  }
}
