import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { periodOf } from '../billing-rules';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { QUEUES } from '../queue/queue-names';
import { JobSchedule } from '../queue/job-scheduler-registry';
import { RatingChunkService } from './rating-chunk.service';
import { RATING_JOBS, RatingRunService } from './rating-run.service';

/** The month-end bill run: a monthly schedule, run starts, chunk jobs, and a sweeper for orphans. */
@Processor(QUEUES.rating, { autorun: false })
export class RatingProcessor extends ConfiguredWorkerHost {
  constructor(
    @InjectQueue(QUEUES.rating) private readonly queue: Queue,
    private readonly runs: RatingRunService,
    private readonly chunks: RatingChunkService,
    protected readonly config: AppConfig,
  ) {
    super();
  }

  protected override concurrency(): number {
    return Math.max(1, Math.min(4, this.config.WORKER_CONCURRENCY));
  }

  protected override schedules(): JobSchedule[] {
    const tz = this.config.BILLING_TZ;
    return [
      { queue: this.queue, id: RATING_JOBS.monthly, repeat: { pattern: '5 0 1 * *', tz }, template: { name: RATING_JOBS.monthly } },
      { queue: this.queue, id: RATING_JOBS.resume, repeat: { pattern: '*/5 * * * *', tz }, template: { name: RATING_JOBS.resume } },
    ];
  }

  async process(job: Job<{ runId?: string; chunkNo?: number }>): Promise<void> {
    switch (job.name) {
      case RATING_JOBS.start:
        return this.runs.start(job.data.runId!);
      case RATING_JOBS.chunk:
        return this.processChunk(job);
      case RATING_JOBS.monthly:
        await this.runs.create(periodOf(new Date(Date.now() - 86_400_000), this.config.BILLING_TZ), null);
        return;
      case RATING_JOBS.resume:
        return this.runs.resumeStuck();
      default:
        throw new UnrecoverableError(`unknown rating job ${job.name}`);
    }
  }

  private async processChunk(job: Job<{ runId?: string; chunkNo?: number }>): Promise<void> {
    try {
      await this.chunks.process(job.data.runId!, job.data.chunkNo!);
    } catch (e) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.runs.fail(job.data.runId!, `chunk ${job.data.chunkNo}: ${(e as Error).message}`);
      throw e;
    }
  }
}
