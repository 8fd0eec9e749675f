import { Module } from '@nestjs/common';
import { UsageModule } from './usage.module';
import { UsageEventsProcessor } from './usage-events.processor';
import { RejectedUsageRetryProcessor } from './rejected-usage-retry.processor';

/** Worker role: consumes the usage-events queue and runs bulk retries of rejected usage. */
@Module({ imports: [UsageModule], providers: [UsageEventsProcessor, RejectedUsageRetryProcessor] })
export class UsageWorkerModule {}
