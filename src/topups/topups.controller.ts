import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { assertAccountVisible } from '../access/account-scope';
import { CurrentPrincipal } from '../access/principal.decorator';
import { Principal } from '../access/role';
import { Roles } from '../access/roles.decorator';
import { Audited } from '../audit/audited.decorator';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { ApiIdempotencyKey, IdempotencyKey } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyRef } from '../common/idempotency/idempotency.service';
import { Page, PageQuery } from '../common/pagination/pagination';
import { PurchaseTopupDto, TopupView } from './dto/topup.dto';
import { TopupsService } from './topups.service';

@ApiTags('top-ups')
@ApiBearerAuth()
@Controller('v1/subscriptions')
@Audited('topup')
export class TopupsController {
  constructor(private readonly topups: TopupsService) {}

  @Post(':id/top-ups')
  @Roles('admin', 'billing')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Buy a top-up pack: a topup bucket and a TOPUP charge at once' })
  async purchase(
    @Param('id', UuidParam) id: string,
    @Body() dto: PurchaseTopupDto,
    @IdempotencyKey() idem: IdempotencyRef | null,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TopupView> {
    const outcome = await this.topups.purchase(id, dto.packCode, idem);
    res.status(outcome.status);
    return outcome.body;
  }

  @Get(':id/top-ups')
  @Roles('admin', 'billing', 'account')
  async list(@Param('id', UuidParam) id: string, @Query() q: PageQuery, @CurrentPrincipal() p: Principal): Promise<Page<TopupView>> {
    assertAccountVisible(p, await this.topups.accountOf(id), 'Subscription', id);
    return this.topups.list(id, q);
  }
}
