import { Processor } from '@nestjs/bullmq';
import { UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { QUEUES } from '../queue/queue-names';
import { BulkRetryView } from './dto/rejected-usage.dto';
import { RETRY_JOB, RetryJob, checkpointOf } from './rejected-usage-retry.jobs';
import { RejectedUsageService } from './rejected-usage.service';

/**
 * Runs bulk retries. Safe to kill at any point: each chunk records and marks its rows in one
 * transaction, and a redelivered job resumes from the checkpoint of its last committed chunk
 * (rows recorded meanwhile are skipped by the retry's own filter).
 */
@Processor(QUEUES.rejectedUsageRetry, { autorun: false })
export class RejectedUsageRetryProcessor extends ConfiguredWorkerHost {
  constructor(
    private readonly rejected: RejectedUsageService,
    protected readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: RetryJob): Promise<BulkRetryView> {
    if (job.name !== RETRY_JOB) throw new UnrecoverableError(`unknown rejected-usage job ${job.name}`);
    return this.rejected.retryMatching(job.data.filter, checkpointOf(job), (c) => job.updateProgress(c));
  }
}
