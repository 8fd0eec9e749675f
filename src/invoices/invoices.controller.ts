import { Controller, Get, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { assertAccountVisible } from '../access/account-scope';
import { CurrentPrincipal } from '../access/principal.decorator';
import { Principal } from '../access/role';
import { Roles } from '../access/roles.decorator';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Page } from '../common/pagination/pagination';
import { csvBody, wantsCsv } from '../common/http/csv';
import { InvoiceQuery, InvoiceView } from './dto/invoice.dto';
import { invoicesCsv } from './invoice-csv';
import { InvoicesService } from './invoices.service';
import { HeavyReport } from '../common/load/report-gate.interceptor';

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('v1/invoices')
@Roles('admin', 'billing', 'account')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get()
  @HeavyReport()
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({ summary: 'Invoices by (updatedAt, id); CSV (one row per line, X-Next-Cursor header) with Accept: text/csv' })
  async list(
    @Query() q: InvoiceQuery,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Page<InvoiceView> | StreamableFile> {
    if (q.accountId) assertAccountVisible(p, q.accountId, 'Account', q.accountId);
    const page = await this.invoices.list({ ...q, accountId: ownAccount(p) ?? q.accountId });
    if (!wantsCsv(req)) return page;
    if (page.nextCursor) res.set('X-Next-Cursor', page.nextCursor);
    return csvBody(invoicesCsv(page.data));
  }

  @Get(':id')
  @ApiProduces('application/json', 'text/csv')
  async get(@Param('id', UuidParam) id: string, @CurrentPrincipal() p: Principal, @Req() req: Request): Promise<InvoiceView | StreamableFile> {
    const invoice = await this.invoices.get(id, ownAccount(p));
    if (!wantsCsv(req)) return invoice;
    return csvBody(invoicesCsv([invoice]));
  }
}

function ownAccount(p: Principal): string | undefined {
  return p.kind === 'account' ? (p.scope ?? undefined) : undefined;
}
