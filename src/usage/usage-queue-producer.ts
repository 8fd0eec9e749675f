import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { DEFAULT_JOB_OPTIONS } from '../queue/queue.module';
import { QUEUES } from '../queue/queue-names';
import { bullPrefix, redisOptionsFromUrl } from '../queue/redis-options';
import { UsageEventDto } from './dto/usage-event.dto';
import { UsageBacklog } from './usage-backlog';
import { USAGE_BATCH_JOB } from './usage-job';

/**
 * The API's own producer on the usage queue, on a connection that fails fast. The shared BullMQ
 * connection retries every command forever (right for workers), so with Redis gone an ingest
 * request would hang; here `enableOfflineQueue: false` makes a command sent while disconnected
 * fail at once, and `maxRetriesPerRequest: 1` bounds one that was in flight.
 *
 * The backlog (waiting jobs, age of the oldest) is read at most once per USAGE_BACKLOG_CACHE_MS,
 * all concurrent requests sharing one read: three O(1) Redis commands, never one per request.
 */
@Injectable()
export class UsageQueueProducer implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly queue: Queue;
  private backlogRead: { at: number; value: Promise<UsageBacklog> } | null = null;

  constructor(private readonly config: AppConfig) {
    this.redis = new Redis({ ...redisOptionsFromUrl(config.REDIS_URL), enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined); // reported through failed commands and /health
    this.queue = new Queue(QUEUES.usageEvents, { connection: this.redis, prefix: bullPrefix(config.REDIS_PREFIX), defaultJobOptions: DEFAULT_JOB_OPTIONS });
    this.queue.on('error', () => undefined);
  }

  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  async add(events: UsageEventDto[]): Promise<void> {
    await this.queue.add(USAGE_BATCH_JOB, { events });
  }

  backlog(): Promise<UsageBacklog> {
    const now = Date.now();
    if (this.backlogRead && now - this.backlogRead.at < this.config.USAGE_BACKLOG_CACHE_MS) return this.backlogRead.value;
    const value = this.readBacklog(now);
    this.backlogRead = { at: now, value };
    value.catch(() => (this.backlogRead = null));
    return value;
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.redis.disconnect();
  }

  /** BullMQ pushes new jobs on the left of the wait list; the oldest waiting job is the rightmost. */
  private async readBacklog(now: number): Promise<UsageBacklog> {
    const wait = this.queue.keys.wait;
    const [waitingJobs, oldestId] = await Promise.all([this.redis.llen(wait), this.redis.lindex(wait, -1)]);
    const stamp = oldestId ? await this.redis.hget(this.queue.toKey(oldestId), 'timestamp') : null;
    return { waitingJobs, oldestWaitingMs: stamp ? Math.max(0, now - Number(stamp)) : 0 };
  }
}
