import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { QUEUES } from '../queue/queue-names';
import { JobSchedule } from '../queue/job-scheduler-registry';
import { DELIVER_JOB, SWEEP_JOB, parseDeliveryRef } from './delivery-jobs';
import { WebhookDeliverer } from './webhook-deliverer.service';
import { WebhookOutbox } from './webhook-outbox.service';

const SWEEP_EVERY_MS = 60 * 1000;

/** Sends webhook deliveries, and every minute re-enqueues the pending ones the queue may have lost. */
@Processor(QUEUES.webhookDeliveries, { autorun: false })
export class WebhookDeliveriesProcessor extends ConfiguredWorkerHost {
  constructor(
    @InjectQueue(QUEUES.webhookDeliveries) private readonly queue: Queue,
    private readonly deliverer: WebhookDeliverer,
    private readonly outbox: WebhookOutbox,
    protected readonly config: AppConfig,
  ) {
    super();
  }

  protected override concurrency(): number {
    return this.config.WORKER_CONCURRENCY;
  }

  protected override schedules(): JobSchedule[] {
    return [{ queue: this.queue, id: SWEEP_JOB, repeat: { every: SWEEP_EVERY_MS }, template: { name: SWEEP_JOB, opts: { attempts: 1 } } }];
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === SWEEP_JOB) return this.outbox.sweep();
    const ref = job.name === DELIVER_JOB ? parseDeliveryRef(job.data) : null;
    if (!ref) throw new UnrecoverableError(`not a webhook delivery job: ${job.name}`);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return { status: await this.deliverer.attempt(ref, lastAttempt) };
  }
}
