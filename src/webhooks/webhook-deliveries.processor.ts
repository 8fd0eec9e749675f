import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { QUEUES } from '../queue/queue-names';
import { DELIVER_JOB, SWEEP_JOB, parseDeliveryRef } from './delivery-jobs';
import { WebhookDeliverer } from './webhook-deliverer.service';
import { WebhookOutbox } from './webhook-outbox.service';

const SWEEP_EVERY_MS = 60 * 1000;

/** Sends webhook deliveries, and every minute re-enqueues the pending ones the queue may have lost. */
@Processor(QUEUES.webhookDeliveries, { autorun: false })
export class WebhookDeliveriesProcessor extends ConfiguredWorkerHost {
  private readonly logger = new Logger(WebhookDeliveriesProcessor.name);

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

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.queue
      .upsertJobScheduler(SWEEP_JOB, { every: SWEEP_EVERY_MS }, { name: SWEEP_JOB, opts: { attempts: 1 } })
      .catch((err: unknown) => this.logger.error({ err }, 'could not register the webhook delivery sweeper'));
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === SWEEP_JOB) return this.outbox.sweep();
    const ref = job.name === DELIVER_JOB ? parseDeliveryRef(job.data) : null;
    if (!ref) throw new UnrecoverableError(`not a webhook delivery job: ${job.name}`);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return { status: await this.deliverer.attempt(ref, lastAttempt) };
  }
}
