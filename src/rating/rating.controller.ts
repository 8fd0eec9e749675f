import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Roles } from '../access/roles.decorator';
import { Audited, AuditedInServiceTransaction } from '../audit/audited.decorator';
import { ApiIdempotencyKey, IdempotencyKey } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyRef } from '../common/idempotency/idempotency.service';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Page, PageQuery } from '../common/pagination/pagination';
import { CreateRatingRunDto, RatingRunView } from './dto/rating-run.dto';
import { RatingRunService } from './rating-run.service';

@ApiTags('rating')
@ApiBearerAuth()
@Controller('v1/rating-runs')
@Roles('admin', 'billing')
@Audited('rating-run')
export class RatingController {
  constructor(private readonly runs: RatingRunService) {}

  @Post()
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Start a bill run for an ended period (it also catches up every earlier unrated cycle)' })
  @AuditedInServiceTransaction()
  async create(
    @Body() dto: CreateRatingRunDto,
    @IdempotencyKey() idem: IdempotencyRef | null,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RatingRunView> {
    const outcome = await this.runs.create(dto.period, idem);
    res.status(outcome.status);
    return outcome.body;
  }

  @Get()
  list(@Query() q: PageQuery): Promise<Page<RatingRunView>> {
    return this.runs.list(q);
  }

  @Get(':id')
  get(@Param('id', UuidParam) id: string): Promise<RatingRunView> {
    return this.runs.view(id);
  }
}
