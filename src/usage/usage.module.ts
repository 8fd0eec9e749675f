import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { UsageLedgerRepository } from './ledger/usage-ledger.repository';
import { UsageRecorder } from './ledger/usage-recorder.service';
import { UsageEventsController } from './usage-events.controller';

@Module({
  imports: [SubscriptionsModule],
  providers: [UsageLedgerRepository, UsageRecorder],
  controllers: [UsageEventsController],
  exports: [UsageRecorder, UsageLedgerRepository],
})
export class UsageModule {}
