import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { CurrentPrincipal } from '../access/principal.decorator';
import { Principal } from '../access/role';
import { PartnerScope } from '../access/partner-scope.service';
import { Audited } from '../audit/audited.decorator';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Page } from '../common/pagination/pagination';
import { RejectedUsageFilter, RejectedUsageQuery, RejectedUsageView, RetryJobView } from './dto/rejected-usage.dto';
import { RejectedUsageRetryJobs } from './rejected-usage-retry.jobs';
import { UsageEntryView, UsageQuery, UsageSummaryQuery, UsageSummaryRow } from './dto/usage-query.dto';
import { RejectedUsageService } from './rejected-usage.service';
import { UsageQueryService } from './usage-query.service';
import { HeavyReport } from '../common/load/report-gate.interceptor';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/usage')
@Roles('admin', 'billing', 'account')
export class UsageController {
  constructor(
    private readonly usage: UsageQueryService,
    private readonly scope: PartnerScope,
  ) {}

  @Get()
  @HeavyReport()
  @ApiOperation({ summary: 'Ledger entries, oldest first' })
  async list(@Query() q: UsageQuery, @CurrentPrincipal() p: Principal): Promise<Page<UsageEntryView>> {
    return this.usage.list(q, await this.scope.accountFilter(p, q));
  }

  @Get('summary')
  @HeavyReport()
  @ApiOperation({
    summary: 'Totals per model or per day (billing time zone) over from..to (both, at most USAGE_SUMMARY_MAX_DAYS apart) or, without them, the current month',
  })
  async summary(@Query() q: UsageSummaryQuery, @CurrentPrincipal() p: Principal): Promise<{ data: UsageSummaryRow[]; from: string; to: string }> {
    return this.usage.summary(q, await this.scope.accountFilter(p, q));
  }
}

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/rejected-usage')
@Roles('admin', 'billing')
@Audited('rejected-usage')
export class RejectedUsageController {
  constructor(
    private readonly rejected: RejectedUsageService,
    private readonly retryJobs: RejectedUsageRetryJobs,
  ) {}

  @Get()
  list(@Query() q: RejectedUsageQuery): Promise<Page<RejectedUsageView>> {
    return this.rejected.list(q);
  }

  @Post('retry')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Start a job retrying every matching rejected event (never DUPLICATE_CONFLICT) through the exactly-once path; follow it at /v1/rejected-usage/retry-jobs/{id}',
  })
  retryMatching(@Body() filter: RejectedUsageFilter): Promise<RetryJobView> {
    return this.retryJobs.start(filter);
  }

  @Get('retry-jobs/:id')
  @ApiOperation({ summary: 'Status and progress of a bulk retry job' })
  retryJob(@Param('id', UuidParam) id: string): Promise<RetryJobView> {
    return this.retryJobs.view(id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  retryOne(@Param('id', UuidParam) id: string): Promise<RejectedUsageView> {
    return this.rejected.retryOne(id);
  }
}
