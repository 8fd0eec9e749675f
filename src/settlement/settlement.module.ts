import { Module } from '@nestjs/common';
import { ChargesModule } from '../charges/charges.module';
import { ChargeRequeueController, SettlementBatchesController } from './settlement.controller';
import { SettlementBatchesService } from './settlement-batches.service';
import { SettlementFileWriter } from './settlement-file-writer';
import { SettlementRunner } from './settlement-runner.service';

@Module({
  imports: [ChargesModule],
  providers: [SettlementFileWriter, SettlementRunner, SettlementBatchesService],
  controllers: [SettlementBatchesController, ChargeRequeueController],
  exports: [SettlementRunner, SettlementBatchesService],
})
export class SettlementModule {}
