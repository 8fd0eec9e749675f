import { Module } from '@nestjs/common';
import { SettlementModule } from './settlement.module';
import { SettlementProcessor } from './settlement.processor';

/** Worker-role only: the nightly settlement run at 02:00 in the billing time zone. */
@Module({ imports: [SettlementModule], providers: [SettlementProcessor] })
export class SettlementWorkerModule {}
