import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChargeWriter } from './charge-writer';
import { ChargeSettlementWriter } from './charge-settlement.writer';
import { ChargesController } from './charges.controller';
import { ChargesService } from './charges.service';

@Module({
  imports: [AccountsModule],
  providers: [ChargeWriter, ChargeSettlementWriter, ChargesService],
  controllers: [ChargesController],
  exports: [ChargeWriter, ChargeSettlementWriter, ChargesService],
})
export class ChargesModule {}
