import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Verifier } from './verifier.service';
import { VerificationReport } from './verification-report';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/admin/verify')
@Roles('admin', 'billing')
export class VerificationController {
  constructor(private readonly verifier: Verifier) {}

  @Get()
  @ApiOkResponse({
    description:
      '{ ok, summary: { checked: {kind: n}, differences: {kind: n}, totalDifferences }, differences: [{ kind, entity, id, expected, actual }] }; ' +
      'kinds: bucket-balance, ledger-entry, cycle-usage, member-usage, charge, invoice, settlement-batch. At most 1,000 differences listed per kind.',
  })
  @ApiOperation({ summary: 'Recompute balances, counters, charges, invoices and settlement batches from their sources; list every difference' })
  verify(): Promise<VerificationReport> {
    return this.verifier.run();
  }
}
