import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { amountPerMillion, requirePeriod, toSafeNumber } from '../billing-rules';
import { NotFoundProblem } from '../common/http/domain.exception';
import { ModelLineView, ProviderStatementView } from './dto/provider-statement.dto';
import { dbInt } from '../database/db-integer';

/** Usage totals of one model at one rate version, with that version's provider prices. */
interface VersionRow {
  provider_code: string;
  model_code: string;
  requests: string;
  input_tokens: string;
  output_tokens: string;
  in_price: string;
  out_price: string;
}

/**
 * What we owe each provider for a month: every ledger row whose occurredAt falls in the month (in
 * the billing time zone), billed or not; rejected events are not in the ledger. Tokens are summed
 * per rate version (the row's rate_id, fixed when the event was recorded) and each sum is priced
 * and rounded on its own, as the contract rounds per version, then the parts are added.
 *
 * Read from provider_usage_parts, not the ledger: the usage writer appends, in the transaction
 * that records a batch, that batch's totals per (model, rate version, period), and compaction
 * folds them; so a statement costs in proportion to the parts of its period, not to its events.
 * The verifier checks the parts against the ledger.
 */
@Injectable()
export class ProviderStatementsService {
  constructor(private readonly dataSource: DataSource) {}

  async statements(period: string, provider?: string): Promise<ProviderStatementView[]> {
    const codes = await this.providerCodes(provider);
    requirePeriod(period);
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT m.provider_code, p.model_code, sum(p.requests) AS requests, sum(p.input_tokens) AS input_tokens, sum(p.output_tokens) AS output_tokens,
              r.provider_input_price_per_million_fen AS in_price, r.provider_output_price_per_million_fen AS out_price
       FROM provider_usage_parts p JOIN models m ON m.code = p.model_code JOIN model_rates r ON r.id = p.rate_id
       WHERE p.period = $1 AND m.provider_code = ANY($2)
       GROUP BY m.provider_code, p.model_code, p.rate_id, r.provider_input_price_per_million_fen, r.provider_output_price_per_million_fen`,
      [period, codes],
    );
    return codes.map((code) =>
      statementOf(
        code,
        period,
        rows.filter((r) => r.provider_code === code),
      ),
    );
  }

  private async providerCodes(provider?: string): Promise<string[]> {
    const rows: { code: string }[] = provider
      ? await this.dataSource.query(`SELECT code FROM providers WHERE code = $1`, [provider])
      : await this.dataSource.query(`SELECT code FROM providers ORDER BY code`);
    if (provider && rows.length === 0) throw new NotFoundProblem('Provider', provider);
    return rows.map((r) => r.code);
  }
}

function statementOf(provider: string, period: string, rows: VersionRow[]): ProviderStatementView {
  const byModel = new Map<string, ModelLineView>();
  for (const r of rows) {
    const line = byModel.get(r.model_code) ?? { model: r.model_code, requests: 0, inputTokens: 0, outputTokens: 0, amountFen: 0 };
    const inputTokens = count(r.input_tokens, 'inputTokens');
    const outputTokens = count(r.output_tokens, 'outputTokens');
    line.requests += count(r.requests, 'requests');
    line.inputTokens += inputTokens;
    line.outputTokens += outputTokens;
    line.amountFen +=
      amountPerMillion(inputTokens, dbInt(r.in_price, 'provider input price')) + amountPerMillion(outputTokens, dbInt(r.out_price, 'provider output price'));
    byModel.set(r.model_code, line);
  }
  const models = [...byModel.values()].sort((a, b) => (a.model < b.model ? -1 : 1));
  const totalFen = toSafeNumber(
    models.reduce((acc, m) => acc + BigInt(m.amountFen), 0n),
    'totalFen',
  );
  return { provider, period, models, totalFen };
}

function count(text: string, name: string): number {
  return dbInt(text, name);
}
