import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { CurrentPrincipal } from '../access/principal.decorator';
import { Principal } from '../access/role';
import { assertAccountVisible } from '../access/account-scope';
import { PartnerScope } from '../access/partner-scope.service';
import { Audited } from '../audit/audited.decorator';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Page } from '../common/pagination/pagination';
import { SubscriberIdParam } from './subscriber-id.pipe';
import { BalanceService } from './balance.service';
import { MembersService } from './members.service';
import { SubscriptionLifecycleService } from './subscription-lifecycle.service';
import { SubscriptionsService } from './subscriptions.service';
import { BalanceView } from './dto/balance.view';
import { ChangePlanDto, CreateSubscriptionDto, MemberInput, SubscriptionQuery } from './dto/subscription.dto';
import { SubscriptionView } from './dto/subscription.view';

@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('v1/subscriptions')
@Roles('admin', 'billing')
@Audited('subscription')
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly lifecycle: SubscriptionLifecycleService,
    private readonly members: MembersService,
    private readonly balances: BalanceService,
    private readonly scope: PartnerScope,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Subscribe an account to a plan (now, or backdated with startAt)',
    description: 'Answers the subscription in its first cycle, the one containing startAt: creation does not roll a backdated subscription.',
  })
  create(@Body() dto: CreateSubscriptionDto): Promise<SubscriptionView> {
    return this.subscriptions.create(dto);
  }

  @Get()
  @Roles('admin', 'billing', 'account')
  async list(@Query() q: SubscriptionQuery, @CurrentPrincipal() p: Principal): Promise<Page<SubscriptionView>> {
    return this.subscriptions.list({ ...q, accountId: await this.scope.accountFilter(p, q) });
  }

  @Get(':id')
  @Roles('admin', 'billing', 'account')
  @ApiOperation({ summary: 'The subscription as of now (rolled first if its cycle has ended; otherwise read without locks)' })
  async get(@Param('id', UuidParam) id: string, @CurrentPrincipal() p: Principal): Promise<SubscriptionView> {
    assertAccountVisible(p, await this.subscriptions.accountOf(id), 'Subscription', id);
    return this.subscriptions.rolledView(id);
  }

  @Get(':id/balance')
  @Roles('admin', 'billing', 'account')
  @ApiOperation({ summary: 'Buckets, overage and member usage as of now (rolled first if the cycle has ended; otherwise read without locks)' })
  async balance(@Param('id', UuidParam) id: string, @CurrentPrincipal() p: Principal): Promise<BalanceView> {
    assertAccountVisible(p, await this.subscriptions.accountOf(id), 'Subscription', id);
    return this.balances.balance(id);
  }

  @Post(':id/members')
  @HttpCode(201)
  addMember(@Param('id', UuidParam) id: string, @Body() dto: MemberInput): Promise<SubscriptionView> {
    return this.members.add(id, dto);
  }

  @Delete(':id/members/:subscriberId')
  removeMember(@Param('id', UuidParam) id: string, @Param('subscriberId', SubscriberIdParam) subscriberId: string): Promise<SubscriptionView> {
    return this.members.remove(id, subscriberId);
  }

  @Post(':id/change-plan')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change plan at the next cycle' })
  changePlan(@Param('id', UuidParam) id: string, @Body() dto: ChangePlanDto): Promise<SubscriptionView> {
    return this.lifecycle.changePlan(id, dto.planCode);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel at the end of the current cycle' })
  cancel(@Param('id', UuidParam) id: string): Promise<SubscriptionView> {
    return this.lifecycle.cancel(id);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @ApiOperation({ summary: 'End now; the open cycle is closed and rated with its full fee' })
  terminate(@Param('id', UuidParam) id: string): Promise<SubscriptionView> {
    return this.lifecycle.terminate(id);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@Param('id', UuidParam) id: string): Promise<SubscriptionView> {
    return this.lifecycle.suspend(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', UuidParam) id: string): Promise<SubscriptionView> {
    return this.lifecycle.resume(id);
  }
}
