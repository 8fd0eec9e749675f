import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobSchedule, JobSchedulerRegistry } from './job-scheduler-registry';

/**
 * A WorkerHost whose BullMQ worker takes its concurrency and lock settings from the validated
 * configuration. Subclasses declare `@Processor(queue, { autorun: false })`; the worker starts
 * here, once the settings are applied, and the processor's job schedulers are registered before
 * bootstrap completes (a process is not ready while a schedule it owns is missing).
 */
export abstract class ConfiguredWorkerHost extends WorkerHost implements OnApplicationBootstrap {
  protected abstract readonly config: AppConfig;
  @Inject(JobSchedulerRegistry) private readonly schedulerRegistry!: JobSchedulerRegistry;

  protected concurrency(): number {
    return 1;
  }

  /** The repeatable jobs this processor owns; registered at bootstrap and kept by the registry. */
  protected schedules(): JobSchedule[] {
    return [];
  }

  async onApplicationBootstrap(): Promise<void> {
    const lockDuration = this.config.WORKER_LOCK_DURATION_MS;
    Object.assign(this.worker.opts, {
      lockDuration,
      lockRenewTime: lockDuration / 2,
      stalledInterval: this.config.WORKER_STALLED_INTERVAL_MS,
    });
    // BullMQ builds its lock manager (which renews the locks of running jobs) in the constructor,
    // from the default settings; rebuild it so renewal follows the configured lock duration,
    // otherwise a healthy job longer than the lock would be taken for stalled and run again.
    (this.worker as unknown as { createLockManager(): void }).createLockManager();
    this.worker.concurrency = this.concurrency();
    this.worker.run().catch((err: unknown) => new Logger(this.constructor.name).error({ err }, 'worker stopped with an error'));
    const schedules = this.schedules();
    if (schedules.length > 0) await this.schedulerRegistry.ensure(schedules);
  }
}
