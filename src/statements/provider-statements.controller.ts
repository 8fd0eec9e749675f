import { Controller, Get, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { CurrentPrincipal } from '../access/principal.decorator';
import { Principal } from '../access/role';
import { Roles } from '../access/roles.decorator';
import { NotFoundProblem } from '../common/http/domain.exception';
import { csvBody, csvLine, wantsCsv } from '../common/http/csv';
import { ProviderStatementQuery, ProviderStatementsView, ProviderStatementView } from './dto/provider-statement.dto';
import { ProviderStatementsService } from './provider-statements.service';
import { HeavyReport } from '../common/load/report-gate.interceptor';

@ApiTags('statements')
@ApiBearerAuth()
@Controller('v1/provider-statements')
@Roles('admin', 'billing', 'provider')
export class ProviderStatementsController {
  constructor(private readonly statements: ProviderStatementsService) {}

  @Get()
  @HeavyReport()
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({ summary: 'Per provider and model: requests, tokens and what we owe, for a month; a provider key sees only its own' })
  async get(@Query() q: ProviderStatementQuery, @CurrentPrincipal() p: Principal, @Req() req: Request): Promise<ProviderStatementsView | StreamableFile> {
    const data = await this.statements.statements(q.period, scopedProvider(p, q.provider));
    return wantsCsv(req) ? csvBody(statementsCsv(data)) : { data };
  }
}

/** A provider key is confined to its own provider; naming another one is a 404, as if it did not exist. */
function scopedProvider(p: Principal, requested: string | undefined): string | undefined {
  if (p.kind !== 'provider') return requested;
  if (requested !== undefined && requested !== p.scope) throw new NotFoundProblem('Provider', requested);
  return p.scope ?? undefined;
}

/** One row per provider and model; a provider's total is the sum of its rows. */
function statementsCsv(data: ProviderStatementView[]): string {
  let out = csvLine(['provider', 'period', 'model', 'requests', 'inputTokens', 'outputTokens', 'amountFen']);
  for (const s of data) {
    for (const m of s.models) out += csvLine([s.provider, s.period, m.model, m.requests, m.inputTokens, m.outputTokens, m.amountFen]);
  }
  return out;
}
