import { WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * A WorkerHost whose BullMQ worker takes its concurrency and lock settings from the validated
 * configuration. Subclasses declare `@Processor(queue, { autorun: false })`; the worker starts
 * here, once the settings are applied.
 */
export abstract class ConfiguredWorkerHost extends WorkerHost implements OnApplicationBootstrap {
  protected abstract readonly config: AppConfig;
  protected concurrency(): number {
    return 1;
  }

  onApplicationBootstrap(): void {
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
  }
}
