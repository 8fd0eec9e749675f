import { createReadStream } from 'node:fs';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Roles } from '../access/roles.decorator';
import { Audited, AuditedInServiceTransaction } from '../audit/audited.decorator';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { ApiIdempotencyKey, IdempotencyKey } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyRef } from '../common/idempotency/idempotency.service';
import { Page, PageQuery } from '../common/pagination/pagination';
import { ChargeView } from '../charges/dto/charge.dto';
import { CSV_CONTENT_TYPE } from '../common/http/csv';
import { AckDto, BatchView } from './dto/settlement.dto';
import { SettlementBatchesService } from './settlement-batches.service';
import { SettlementRunner } from './settlement-runner.service';

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('v1/settlement-batches')
@Roles('admin', 'billing')
@Audited('settlement-batch')
export class SettlementBatchesController {
  constructor(
    private readonly runner: SettlementRunner,
    private readonly batches: SettlementBatchesService,
  ) {}

  @Post()
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Export every PENDING charge in one batch file (201), or 204 when none is pending' })
  @AuditedInServiceTransaction()
  async create(@IdempotencyKey() idem: IdempotencyRef | null, @Res({ passthrough: true }) res: Response): Promise<BatchView | undefined> {
    const outcome = await this.runner.run(idem);
    res.status(outcome.status);
    return outcome.body ?? undefined;
  }

  @Get()
  list(@Query() q: PageQuery): Promise<Page<BatchView>> {
    return this.batches.list(q);
  }

  @Get(':id')
  async get(@Param('id', UuidParam) id: string): Promise<BatchView> {
    return BatchView.of(await this.batches.get(id));
  }

  @Get(':id/file')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The batch file, byte-identical on every call; X-Content-SHA256 carries its hex sha256' })
  async file(@Param('id', UuidParam) id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.batches.file(id);
    res.set('X-Content-SHA256', file.sha256);
    return new StreamableFile(createReadStream(file.path), { type: CSV_CONTENT_TYPE, disposition: `attachment; filename="${file.fileName}"` });
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the operator answer: listed records REJECTED, every other one ACCEPTED' })
  ack(@Param('id', UuidParam) id: string, @Body() dto: AckDto): Promise<BatchView> {
    return this.batches.ack(id, dto);
  }
}

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('v1/charges')
@Roles('admin', 'billing')
@Audited('charge')
export class ChargeRequeueController {
  constructor(private readonly batches: SettlementBatchesService) {}

  @Post(':id/requeue')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put a REJECTED charge back to PENDING for a later batch (409 from any other state)' })
  requeue(@Param('id', UuidParam) id: string): Promise<ChargeView> {
    return this.batches.requeue(id);
  }
}
