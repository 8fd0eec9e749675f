import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Alert } from '../alerts/entities/alert.entity';
import { ConflictProblem, NotFoundProblem } from '../common/http/domain.exception';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, paginate } from '../common/pagination/pagination';
import { DeliveryQuery, DeliveryView } from './dto/delivery.dto';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookOutbox } from './webhook-outbox.service';
import { WebhooksService } from './webhooks.service';

@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksService,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly outbox: WebhookOutbox,
  ) {}

  async listForWebhook(webhookId: string, q: DeliveryQuery): Promise<Page<DeliveryView>> {
    await this.webhooks.get(webhookId);
    const qb = this.dataSource.getRepository(WebhookDelivery).createQueryBuilder('d').where('d.webhookId = :webhookId', { webhookId });
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    const page = await paginate(qb, q, { column: 'd.createdAt', key: (d) => d.createdAt.toISOString(), isSortValue: isIsoInstant });
    return { ...page, data: await this.views(page.data) };
  }

  /** Sends a delivered or failed delivery again, as a new generation with the full retry policy. */
  async replay(id: string): Promise<DeliveryView> {
    await this.dataSource.transaction(async (em) => {
      const found = await this.deliveries.lockForReplay(em, id);
      if (!found) throw new NotFoundProblem('Webhook delivery', id);
      if (found.status === 'pending')
        throw new ConflictProblem('DELIVERY_PENDING', `Webhook delivery ${id} is pending; replay it once it is delivered or failed`);
      if (found.webhookDeletedAt) throw new ConflictProblem('WEBHOOK_DELETED', `The webhook of delivery ${id} is deleted`);
      this.outbox.enqueueAfterCommit(em, [await this.deliveries.startNextGeneration(em, id)]);
    });
    const [view] = await this.views([await this.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id })]);
    return view;
  }

  private async views(rows: WebhookDelivery[]): Promise<DeliveryView[]> {
    if (rows.length === 0) return [];
    const alerts = await this.dataSource.getRepository(Alert).find({ where: { id: In(rows.map((d) => d.alertId)) }, select: { id: true, kind: true } });
    const kinds = new Map(alerts.map((a) => [a.id, a.kind]));
    const attempts = await this.dataSource
      .getRepository(WebhookDeliveryAttempt)
      .find({ where: { deliveryId: In(rows.map((d) => d.id)) }, order: { id: 'ASC' } });
    return rows.map((d) =>
      DeliveryView.of(
        d,
        kinds.get(d.alertId)!,
        attempts.filter((a) => a.deliveryId === d.id),
      ),
    );
  }
}
