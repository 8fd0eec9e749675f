import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { NotFoundProblem } from '../common/http/domain.exception';
import { IdempotencyRef, IdempotencyService, Outcome } from '../common/idempotency/idempotency.service';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, paginate } from '../common/pagination/pagination';
import { ChargeWriter } from './charge-writer';
import { AdjustmentDto, ChargeQuery, ChargeView } from './dto/charge.dto';
import { Charge } from './entities/charge.entity';

@Injectable()
export class ChargesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: ChargeWriter,
    private readonly accounts: AccountsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  async list(q: ChargeQuery): Promise<Page<ChargeView>> {
    const qb = this.dataSource.getRepository(Charge).createQueryBuilder('c');
    if (q.accountId) qb.andWhere('c.accountId = :accountId', { accountId: q.accountId });
    if (q.subscriptionId) qb.andWhere('c.subscriptionId = :subscriptionId', { subscriptionId: q.subscriptionId });
    if (q.period) qb.andWhere('c.billingPeriod = :period', { period: q.period });
    if (q.type) qb.andWhere('c.type = :type', { type: q.type });
    if (q.status) qb.andWhere('c.status = :status', { status: q.status });
    const page = await paginate(qb, q, { column: 'c.createdAt', key: (c) => c.createdAt.toISOString(), isSortValue: isIsoInstant });
    return { ...page, data: page.data.map(ChargeView.of) };
  }

  async get(id: string): Promise<ChargeView> {
    const charge = await this.dataSource.getRepository(Charge).findOneBy({ id });
    if (!charge) throw new NotFoundProblem('Charge', id);
    return ChargeView.of(charge);
  }

  /** A staff adjustment: an ADJUSTMENT charge at once, in the month of creation. */
  async adjust(accountId: string, dto: AdjustmentDto, idem: IdempotencyRef | null): Promise<Outcome<ChargeView>> {
    const account = await this.accounts.get(accountId);
    return this.idempotency.execute(idem, async (em) => {
      const { charge } = await this.writer.write(em, {
        accountId: account.id,
        accountExternalRef: account.externalRef,
        type: 'ADJUSTMENT',
        description: dto.reason,
        quantity: null,
        amountFen: dto.amountFen,
      });
      return { status: 201, body: ChargeView.of(charge) };
    });
  }
}
