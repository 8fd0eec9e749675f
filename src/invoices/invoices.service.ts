import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChargeView } from '../charges/dto/charge.dto';
import { Charge } from '../charges/entities/charge.entity';
import { NotFoundProblem } from '../common/http/domain.exception';
import { decodeKeyset, encodeKeyset, isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page } from '../common/pagination/pagination';
import { InvoiceQuery, InvoiceView } from './dto/invoice.dto';
import { HeadFilter, InvoiceHead, invoiceHeads } from './invoice-heads';
import { Clock } from '../common/clock/clock';

@Injectable()
export class InvoicesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Ordered by (updatedAt, id) ascending, so `updatedSince` plus the cursor is a change feed. */
  async list(q: InvoiceQuery): Promise<Page<InvoiceView>> {
    const limit = q.limit ?? 50;
    const filter: HeadFilter = { accountId: q.accountId, period: q.period, updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined };
    if (q.cursor) {
      const [updatedAt, id] = decodeKeyset(q.cursor, isIsoInstant);
      filter.after = { updatedAt, id };
    }
    const heads = await this.heads(filter, limit + 1);
    const data = await this.withLines(heads.slice(0, limit));
    const last = data[data.length - 1];
    return { data, nextCursor: heads.length > limit && last ? encodeKeyset(last.updatedAt, last.id) : null };
  }

  /** `accountId` confines a scoped key: another account's invoice is not found. */
  async get(id: string, accountId?: string): Promise<InvoiceView> {
    const [head] = await this.heads({ id, accountId }, 1);
    if (!head) throw new NotFoundProblem('Invoice', id);
    return (await this.withLines([head]))[0];
  }

  private heads(filter: HeadFilter, limit: number): Promise<InvoiceHead[]> {
    return invoiceHeads(this.dataSource.manager, filter, this.clock.now(), limit);
  }

  private async withLines(heads: InvoiceHead[]): Promise<InvoiceView[]> {
    if (heads.length === 0) return [];
    const charges = await this.dataSource
      .getRepository(Charge)
      .createQueryBuilder('c')
      .where('(c.account_id, c.billing_period) IN (SELECT * FROM unnest(CAST(:accounts AS uuid[]), CAST(:periods AS text[])))', {
        accounts: heads.map((h) => h.accountId),
        periods: heads.map((h) => h.billingPeriod),
      })
      .orderBy('c.seq', 'ASC')
      .getMany();
    return heads.map((h) => {
      const lines = charges.filter((c) => c.accountId === h.accountId && c.billingPeriod === h.billingPeriod).map(ChargeView.of);
      return {
        id: h.id,
        accountId: h.accountId,
        billingPeriod: h.billingPeriod,
        status: h.final ? 'final' : 'open',
        lines,
        totalFen: sumFen(lines.map((l) => l.amountFen)),
        taxFen: sumFen(lines.map((l) => l.taxFen)),
        updatedAt: h.updatedAt.toISOString(),
      };
    });
  }
}

/** Exact sum of fen amounts; a total beyond 2^53 − 1 is a data error, never rounded. */
function sumFen(values: number[]): number {
  const total = values.reduce((acc, v) => acc + BigInt(v), 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`invoice total ${total} exceeds 2^53 - 1`);
  return Number(total);
}
