import { Injectable } from '@nestjs/common';
import { DeliveryRef } from './delivery-jobs';
import { DeliveryStatus } from './entities/webhook-delivery.entity';
import { DeliveryTarget, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookSender } from './webhook-sender';
import { signedHeaders } from './webhook-signature';
import { Clock } from '../common/clock/clock';

export class DeliveryAttemptFailed extends Error {}

const isSuccess = (statusCode: number | null) => statusCode !== null && statusCode >= 200 && statusCode < 300;

/**
 * One attempt of one delivery. A failed attempt throws so that BullMQ retries it with backoff;
 * the last one marks the delivery failed first. Delivery is at least once: a receiver that
 * answered 2xx but whose answer was lost sees the same alert id again, and should deduplicate on it.
 */
@Injectable()
export class WebhookDeliverer {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly sender: WebhookSender,
    private readonly clock: Clock,
  ) {}

  async attempt(ref: DeliveryRef, lastAttempt: boolean): Promise<DeliveryStatus | 'stale'> {
    const target = await this.deliveries.target(ref.id);
    if (!target || target.status !== 'pending' || target.generation !== ref.generation) return 'stale';
    const at = this.clock.now();
    if (target.webhookDeletedAt) {
      await this.deliveries.recordAttempt(ref, at, { statusCode: null, error: 'webhook deleted: not sent', durationMs: 0 }, 'failed');
      return 'failed';
    }
    const body = JSON.stringify(payloadOf(target));
    const outcome = await this.sender.post(target.url, body, signedHeaders(target.secret, Math.floor(at.getTime() / 1000), body));
    const status: DeliveryStatus = isSuccess(outcome.statusCode) ? 'delivered' : lastAttempt ? 'failed' : 'pending';
    await this.deliveries.recordAttempt(ref, at, outcome, status);
    if (status !== 'delivered') throw new DeliveryAttemptFailed(outcome.error ?? `HTTP ${outcome.statusCode}`);
    return status;
  }
}

function payloadOf(t: DeliveryTarget) {
  const a = t.alert;
  return { id: a.id, kind: a.kind, subscriptionId: a.subscriptionId, cycleId: a.cycleId, subject: a.subject, createdAt: a.createdAt, data: a.data };
}
