import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChargeWriter } from './charge-writer';
import { ChargesController } from './charges.controller';
import { ChargesService } from './charges.service';

@Module({
  imports: [AccountsModule],
  providers: [ChargeWriter, ChargesService],
  controllers: [ChargesController],
  exports: [ChargeWriter, ChargesService],
})
export class ChargesModule {}
