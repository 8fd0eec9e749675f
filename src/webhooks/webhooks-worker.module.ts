import { Module } from '@nestjs/common';
import { WebhookDeliveriesProcessor } from './webhook-deliveries.processor';
import { WebhooksModule } from './webhooks.module';

/** Worker role: sends webhook deliveries and sweeps the outbox. */
@Module({ imports: [WebhooksModule], providers: [WebhookDeliveriesProcessor] })
export class WebhooksWorkerModule {}
