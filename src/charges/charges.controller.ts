import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Roles } from '../access/roles.decorator';
import { CurrentPrincipal } from '../access/principal.decorator';
import { Principal } from '../access/role';
import { assertAccountVisible } from '../access/account-scope';
import { PartnerScope } from '../access/partner-scope.service';
import { Audited } from '../audit/audited.decorator';
import { ApiIdempotencyKey, IdempotencyKey } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyRef } from '../common/idempotency/idempotency.service';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Page } from '../common/pagination/pagination';
import { ChargesService } from './charges.service';
import { AdjustmentDto, ChargeQuery, ChargeView } from './dto/charge.dto';

@ApiTags('charges')
@ApiBearerAuth()
@Controller('v1')
@Audited('charge')
export class ChargesController {
  constructor(
    private readonly charges: ChargesService,
    private readonly scope: PartnerScope,
  ) {}

  @Get('charges')
  @Roles('admin', 'billing', 'account')
  async list(@Query() q: ChargeQuery, @CurrentPrincipal() p: Principal): Promise<Page<ChargeView>> {
    return this.charges.list({ ...q, accountId: await this.scope.accountFilter(p, q) });
  }

  @Get('charges/:id')
  @Roles('admin', 'billing', 'account')
  @ApiOperation({ summary: 'One charge record; an account key reads only its own account’s charges' })
  @ApiOkResponse({ type: ChargeView })
  @ApiNotFoundResponse({ description: 'No such charge, or one of another account for an account key' })
  async get(@Param('id', UuidParam) id: string, @CurrentPrincipal() p: Principal): Promise<ChargeView> {
    const charge = await this.charges.get(id);
    assertAccountVisible(p, charge.accountId, 'Charge', id);
    return charge;
  }

  @Post('accounts/:id/adjustments')
  @Roles('admin', 'billing')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Create an ADJUSTMENT charge (negative amount = credit)' })
  async adjust(
    @Param('id', UuidParam) id: string,
    @Body() dto: AdjustmentDto,
    @IdempotencyKey() idem: IdempotencyRef | null,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChargeView> {
    const outcome = await this.charges.adjust(id, dto, idem);
    res.status(outcome.status);
    return outcome.body;
  }
}
