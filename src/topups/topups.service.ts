import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Account } from '../accounts/entities/account.entity';
import { Pack } from '../catalog/entities/pack.entity';
import { PacksService } from '../catalog/packs.service';
import { ChargeWriter } from '../charges/charge-writer';
import { NotFoundProblem } from '../common/http/domain.exception';
import { IdempotencyRef, IdempotencyService, Outcome } from '../common/idempotency/idempotency.service';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, PageQuery, paginate } from '../common/pagination/pagination';
import { CycleRoller } from '../subscriptions/cycle-roller.service';
import { TopupBucketsWriter } from '../subscriptions/topup-buckets.writer';
import { Cycle } from '../subscriptions/entities/cycle.entity';
import { Subscription } from '../subscriptions/entities/subscription.entity';
import { nextStatus } from '../subscriptions/subscription-lifecycle';
import { TopupView } from './dto/topup.dto';
import { Topup } from './entities/topup.entity';
import { topupExpiry } from './topup-expiry';
import { Clock } from '../common/clock/clock';

/**
 * Buying a pack: under the subscription's row lock (so it serialises with usage batches, the
 * roll and lifecycle steps), a topup bucket and its TOPUP charge are written in the same
 * transaction as the Idempotency-Key, so a retried request can never buy twice.
 */
@Injectable()
export class TopupsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roller: CycleRoller,
    private readonly buckets: TopupBucketsWriter,
    private readonly packs: PacksService,
    private readonly charges: ChargeWriter,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
  ) {}

  purchase(subscriptionId: string, packCode: string, idem: IdempotencyRef | null, now = this.clock.now()): Promise<Outcome<TopupView>> {
    return this.idempotency.execute(idem, async (em) => {
      const sub = await this.roller.lockAndRoll(em, subscriptionId, now);
      nextStatus(sub.status, 'topUp');
      const pack = await this.packs.getSellable(packCode, em);
      return { status: 201, body: TopupView.of(await this.grant(em, sub, pack, now)) };
    });
  }

  async accountOf(subscriptionId: string): Promise<string> {
    const sub = await this.dataSource.getRepository(Subscription).findOneBy({ id: subscriptionId });
    if (!sub) throw new NotFoundProblem('Subscription', subscriptionId);
    return sub.accountId;
  }

  async list(subscriptionId: string, q: PageQuery): Promise<Page<TopupView>> {
    const qb = this.dataSource.getRepository(Topup).createQueryBuilder('t').where('t.subscriptionId = :subscriptionId', { subscriptionId });
    const page = await paginate(qb, q, { column: 't.createdAt', key: (t) => t.createdAt.toISOString(), isSortValue: isIsoInstant });
    return { ...page, data: page.data.map(TopupView.of) };
  }

  private async grant(em: EntityManager, sub: Subscription, pack: Pack, now: Date): Promise<Topup> {
    const cycle = await em.findOneByOrFail(Cycle, { id: sub.currentCycleId! });
    const purchaseId = randomUUID();
    const expiresAt = topupExpiry(pack.validityKind, pack.validityDays, cycle.endAt, now);
    const bucketId = await this.buckets.grant(em, { subscriptionId: sub.id, cycleId: cycle.id, credits: pack.credits, validFrom: now, expiresAt, purchaseId });
    const chargeId = await this.charge(em, sub, pack, purchaseId, now);
    const topup = em.create(Topup, {
      id: purchaseId,
      subscriptionId: sub.id,
      cycleId: cycle.id,
      packCode: pack.code,
      credits: pack.credits,
      priceFen: pack.priceFen,
      bucketId,
      chargeId,
      validFrom: now,
      expiresAt,
    });
    await em.insert(Topup, topup);
    return topup;
  }

  /** The TOPUP charge, in the month of purchase; the purchase id makes it one charge per purchase. */
  private async charge(em: EntityManager, sub: Subscription, pack: Pack, purchaseId: string, now: Date): Promise<string> {
    const account = await em.findOneByOrFail(Account, { id: sub.accountId });
    const { charge } = await this.charges.write(
      em,
      {
        accountId: account.id,
        accountExternalRef: account.externalRef,
        subscriptionId: sub.id,
        type: 'TOPUP',
        description: `Top-up ${pack.name}`,
        quantity: pack.credits,
        amountFen: pack.priceFen,
        sourceRef: purchaseId,
      },
      now,
    );
    return charge.id;
  }
}
