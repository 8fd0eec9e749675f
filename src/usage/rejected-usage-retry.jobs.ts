import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { NotFoundProblem } from '../common/http/domain.exception';
import { QUEUES } from '../queue/queue-names';
import { RejectedUsageFilter, RetryJobStatus, RetryJobView } from './dto/rejected-usage.dto';
import { FIRST_CHECKPOINT, RetryCheckpoint } from './rejected-usage.service';

export const RETRY_JOB = 'retry-matching';

export type RetryJob = Job<{ filter: RejectedUsageFilter }, unknown, string>;

/**
 * A bulk retry is a queue job, not request work: the POST only enqueues it, a worker walks the
 * rejected rows in exactly-once chunks, and its progress is read back from the job. Finished jobs
 * are kept a week, then trimmed like every other queue's.
 */
@Injectable()
export class RejectedUsageRetryJobs {
  constructor(@InjectQueue(QUEUES.rejectedUsageRetry) private readonly queue: Queue) {}

  async start(filter: RejectedUsageFilter): Promise<RetryJobView> {
    const data = { filter: { reason: filter.reason, subscriberId: filter.subscriberId } };
    const job = await this.queue.add(RETRY_JOB, data, {
      jobId: randomUUID(),
      removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
    });
    return toView(job as RetryJob, 'queued');
  }

  async view(id: string): Promise<RetryJobView> {
    const job = (await this.queue.getJob(id)) as RetryJob | undefined;
    if (!job || job.name !== RETRY_JOB) throw new NotFoundProblem('Retry job', id);
    return toView(job, statusOf(await job.getState()));
  }
}

function statusOf(state: string): RetryJobStatus {
  if (state === 'active') return 'running';
  if (state === 'completed' || state === 'failed') return state;
  return 'queued';
}

export function checkpointOf(job: RetryJob): RetryCheckpoint {
  const p = job.progress as Partial<RetryCheckpoint> | number;
  return typeof p === 'object' && p !== null && typeof p.after === 'string' ? { ...FIRST_CHECKPOINT, ...p } : FIRST_CHECKPOINT;
}

function toView(job: RetryJob, status: RetryJobStatus): RetryJobView {
  const { retried, recorded, stillRejected } = checkpointOf(job);
  return {
    id: job.id as string,
    status,
    filter: job.data.filter,
    retried,
    recorded,
    stillRejected,
    error: status === 'failed' ? (job.failedReason ?? 'failed') : null,
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}
