import { Module } from '@nestjs/common';
import { UsageModule } from './usage.module';
import { UsageEventsProcessor } from './usage-events.processor';

/** Worker role: consumes the usage-events queue. */
@Module({ imports: [UsageModule], providers: [UsageEventsProcessor] })
export class UsageWorkerModule {}
