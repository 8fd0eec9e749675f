import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EntityManager } from 'typeorm';
import { QUEUES } from '../queue/queue-names';
import { AfterCommit } from '../database/after-commit';
import { DELIVER_JOB, DeliveryRef, deliveryJobOptions } from './delivery-jobs';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

const SWEEP_BATCH = 1000;

/**
 * The transactional outbox of webhook deliveries. Rows are written in the caller's transaction;
 * jobs are enqueued after it commits, and the sweeper re-enqueues whatever is still pending (a
 * crash between commit and enqueue, Redis unreachable). The job id is the delivery id and its
 * generation, so enqueuing the same row twice adds one job.
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    @InjectQueue(QUEUES.webhookDeliveries) private readonly queue: Queue,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly afterCommit: AfterCommit,
  ) {}

  async fanOut(em: EntityManager, alertIds: string[]): Promise<DeliveryRef[]> {
    const refs = await this.deliveries.insertForAlerts(em, alertIds);
    this.enqueueAfterCommit(em, refs);
    return refs;
  }

  enqueueAfterCommit(em: EntityManager, refs: DeliveryRef[]): void {
    if (refs.length > 0) this.afterCommit.run(em, () => this.enqueue(refs));
  }

  async sweep(): Promise<{ enqueued: number }> {
    const refs = await this.deliveries.pending(SWEEP_BATCH);
    await this.enqueue(refs);
    return { enqueued: refs.length };
  }

  private async enqueue(refs: DeliveryRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.queue.addBulk(refs.map((ref) => ({ name: DELIVER_JOB, data: { id: ref.id, generation: ref.generation }, opts: deliveryJobOptions(ref) })));
  }
}
