import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { QUEUES } from '../queue/queue-names';
import { UsageEventDto } from './dto/usage-event.dto';
import { USAGE_BATCH_JOB } from './usage-job';

interface Group {
  events: UsageEventDto[];
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
  timer: NodeJS.Timeout | null;
}

/**
 * Puts accepted usage requests on the queue, merging those that arrive within USAGE_LINGER_MS of
 * each other (up to USAGE_JOB_MAX_EVENTS events) into one job. The worker records a job in one
 * transaction, and a transaction's fixed cost is spread over more events: measured, 1,000-event
 * jobs took a fifth less database CPU per event than 500-event jobs.
 *
 * A request's promise settles only when the job holding its events is in the queue (or failed to
 * get there), so a 202 still means "durably queued". Events keep their arrival order in the job,
 * which is the order the recorder uses to pick the owner of a reused event id.
 */
@Injectable()
export class UsageEnqueuer implements OnModuleDestroy {
  private group: Group | null = null;

  constructor(
    @InjectQueue(QUEUES.usageEvents) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  enqueue(events: UsageEventDto[]): Promise<void> {
    const max = this.config.USAGE_JOB_MAX_EVENTS;
    if (this.config.USAGE_LINGER_MS === 0) return this.add(events);
    if (this.group && this.group.events.length + events.length > max) this.flush();
    const group = (this.group ??= { events: [], waiters: [], timer: null });
    const accepted = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
    for (const e of events) group.events.push(e);
    if (group.events.length >= max) this.flush();
    else group.timer ??= setTimeout(() => this.flush(), this.config.USAGE_LINGER_MS);
    return accepted;
  }

  /** Requests still lingering go to the queue before it closes. */
  onModuleDestroy(): void {
    this.flush();
  }

  private flush(): void {
    const group = this.group;
    if (!group) return;
    this.group = null;
    if (group.timer) clearTimeout(group.timer);
    this.add(group.events).then(
      () => group.waiters.forEach((w) => w.resolve()),
      (e: unknown) => group.waiters.forEach((w) => w.reject(e)),
    );
  }

  private async add(events: UsageEventDto[]): Promise<void> {
    await this.queue.add(USAGE_BATCH_JOB, { events });
  }
}
