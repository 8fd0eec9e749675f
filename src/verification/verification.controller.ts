import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ summary: 'Recompute balances, counters, charges, invoices and settlement batches from their sources; list every difference' })
  verify(): Promise<VerificationReport> {
    return this.verifier.run();
  }
}
