import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AfterCommit } from '../database/after-commit';
import { Webhook } from './entities/webhook.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDeliverer } from './webhook-deliverer.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookOutbox } from './webhook-outbox.service';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [TypeOrmModule.forFeature([Webhook, WebhookDelivery, WebhookDeliveryAttempt])],
  providers: [AfterCommit, WebhooksService, WebhookDeliveriesRepository, WebhookDeliveriesService, WebhookOutbox, WebhookSender, WebhookDeliverer],
  controllers: [WebhooksController],
  exports: [WebhookOutbox, WebhookDeliverer],
})
export class WebhooksModule {}
