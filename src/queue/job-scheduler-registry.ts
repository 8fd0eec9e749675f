import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { JobSchedulerTemplateOptions, Queue, RepeatOptions } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { withDeadline } from '../common/with-deadline';

/** One BullMQ job scheduler a worker needs: the monthly bill run, the nightly settlement, … */
export interface JobSchedule {
  queue: Queue;
  /** Stable scheduler id: upserting it again never makes a second schedule. */
  id: string;
  repeat: Omit<RepeatOptions, 'key'>;
  template: { name: string; data?: unknown; opts?: JobSchedulerTemplateOptions };
}

export interface SchedulesStatus {
  /** Every schedule this process is responsible for, as `queue/id`. */
  wanted: string[];
  /** Those found missing at the last check and not yet re-established. */
  missing: string[];
  checkedAt: Date | null;
}

const ATTEMPT_TIMEOUT_MS = 5000;
const MAX_ATTEMPTS = 6;

/**
 * Registers the job schedulers of this process's workers and keeps them there.
 *
 * Registration is awaited at bootstrap (with retries), so a worker never reports ready while the
 * month-end bill run or the nightly settlement has no schedule; a registration that keeps failing
 * fails the start instead of being only logged. Afterwards a periodic check re-creates any
 * scheduler that disappeared (Redis restarted empty, keys evicted or deleted by hand), so schedules
 * come back without a restart of the process.
 */
@Injectable()
export class JobSchedulerRegistry implements OnModuleDestroy {
  private readonly logger = new Logger(JobSchedulerRegistry.name);
  private readonly wanted = new Map<string, JobSchedule>();
  private missing = new Set<string>();
  private checkedAt: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<string[]> | null = null;

  constructor(private readonly config: AppConfig) {}

  /** Upserts the schedules, retrying while Redis is unreachable; throws once the attempts are spent. */
  async ensure(schedules: JobSchedule[]): Promise<void> {
    for (const s of schedules) this.wanted.set(keyOf(s), s);
    for (let attempt = 1; ; attempt++) {
      try {
        for (const s of schedules) await withTimeout(upsert(s), ATTEMPT_TIMEOUT_MS);
        break;
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new Error(`could not register job schedulers ${schedules.map(keyOf).join(', ')}: ${(err as Error).message}`, { cause: err });
        }
        this.logger.warn({ err, attempt }, 'job scheduler registration failed; retrying');
        await sleep(Math.min(8000, 500 * 2 ** (attempt - 1)));
      }
    }
    for (const s of schedules) this.missing.delete(keyOf(s));
    this.watch();
  }

  /** Checks every wanted schedule and re-creates the missing ones; returns those it re-created. */
  check(): Promise<string[]> {
    this.checking ??= this.reconcile().finally(() => (this.checking = null));
    return this.checking;
  }

  status(): SchedulesStatus {
    return { wanted: [...this.wanted.keys()], missing: [...this.missing], checkedAt: this.checkedAt };
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private watch(): void {
    if (this.timer || this.config.SCHEDULE_CHECK_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => this.logger.warn({ err }, 'job scheduler check failed'));
    }, this.config.SCHEDULE_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  private async reconcile(): Promise<string[]> {
    const restored: string[] = [];
    for (const [key, s] of this.wanted) {
      try {
        const found = await withTimeout(s.queue.getJobScheduler(s.id), ATTEMPT_TIMEOUT_MS);
        if (found) {
          this.missing.delete(key);
          continue;
        }
        this.missing.add(key);
        await withTimeout(upsert(s), ATTEMPT_TIMEOUT_MS);
        this.missing.delete(key);
        restored.push(key);
        this.logger.warn({ scheduler: key }, 'job scheduler was missing; re-created');
      } catch (err) {
        this.missing.add(key);
        this.logger.warn({ err, scheduler: key }, 'could not check or re-create a job scheduler');
      }
    }
    this.checkedAt = new Date();
    return restored;
  }
}

function keyOf(s: JobSchedule): string {
  return `${s.queue.name}/${s.id}`;
}

function upsert(s: JobSchedule): Promise<unknown> {
  return s.queue.upsertJobScheduler(s.id, s.repeat, s.template);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A Redis command against a broken connection waits forever; give each attempt a deadline. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return withDeadline(p, ms, () => new Error(`no answer from Redis within ${ms} ms`));
}
