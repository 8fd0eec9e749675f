import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { CatalogModule } from '../catalog/catalog.module';
import { ReservationsModule } from '../reservations/reservations.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { UsageLedgerRepository } from './ledger/usage-ledger.repository';
import { ProviderUsagePartsRepository } from './ledger/provider-usage-parts.repository';
import { UsageRecorder } from './ledger/usage-recorder.service';
import { UsageEnqueuer } from './usage-enqueuer.service';
import { UsageEventsController } from './usage-events.controller';
import { RejectedUsageController, UsageController } from './usage.controller';
import { RejectedUsageService } from './rejected-usage.service';
import { UsageQueryService } from './usage-query.service';
import { RejectedUsageRetryJobs } from './rejected-usage-retry.jobs';
import { UsageJobRecorder } from './usage-job-recorder.service';
import { UsageQueueProducer } from './usage-queue-producer';

@Module({
  imports: [SubscriptionsModule, CatalogModule, AlertsModule, ReservationsModule],
  providers: [
    UsageLedgerRepository,
    ProviderUsagePartsRepository,
    UsageRecorder,
    RejectedUsageService,
    UsageQueryService,
    UsageEnqueuer,
    RejectedUsageRetryJobs,
    UsageJobRecorder,
    UsageQueueProducer,
  ],
  controllers: [UsageEventsController, UsageController, RejectedUsageController],
  exports: [UsageRecorder, UsageLedgerRepository, ProviderUsagePartsRepository, RejectedUsageService, UsageJobRecorder],
})
export class UsageModule {}
