import { Module } from '@nestjs/common';
import { ReconciliationRepository } from './reconciliation.repository';
import { SettlementFileCheck } from './settlement-file-check';
import { VerificationController } from './verification.controller';
import { Verifier } from './verifier.service';

/** The verifier (SPEC §15): a read-only recomputation of every derived figure. */
@Module({
  providers: [Verifier, ReconciliationRepository, SettlementFileCheck],
  controllers: [VerificationController],
  exports: [Verifier],
})
export class VerificationModule {}
