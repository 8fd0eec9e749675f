import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import { overageCapCredits } from '../billing-rules';
import { NotFoundProblem } from '../common/http/domain.exception';
import { Plan } from '../catalog/entities/plan.entity';
import { ReservationsRepository } from '../reservations/reservations.repository';
import { CycleRoller } from './cycle-roller.service';
import { BalanceView, MemberUsageView } from './dto/balance.view';
import { CycleRef } from './dto/subscription.view';
import { BucketRow } from './entities/bucket.entity';
import { Cycle } from './entities/cycle.entity';
import { Member } from './entities/member.entity';
import { MemberCycleUsage } from './entities/member-cycle-usage.entity';
import { Subscription } from './entities/subscription.entity';
import { Clock } from '../common/clock/clock';

/** The payg spending cap of the open cycle: its overage credit limit and whether it is used up. */
export interface SpendingCap {
  /** floor(capFen × 1,000,000 / rate) of the cycle's plan; null for block plans and uncapped payg. */
  overageCapCredits: number | null;
  spendingCapReached: boolean;
}

/**
 * The balance as of now: rolled first when its cycle has ended, then read in one snapshot
 * (REPEATABLE READ) that takes no row lock, so usage recording never waits on a balance read.
 */
@Injectable()
export class BalanceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roller: CycleRoller,
    private readonly holds: ReservationsRepository,
    private readonly clock: Clock,
  ) {}

  async balance(id: string, now = this.clock.now()): Promise<BalanceView> {
    await this.roller.rollIfDue(id, now);
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const sub = await em.findOneBy(Subscription, { id });
      if (!sub) throw new NotFoundProblem('Subscription', id);
      const cycle = sub.currentCycleId ? await em.findOneByOrFail(Cycle, { id: sub.currentCycleId }) : null;
      return {
        subscriptionId: sub.id,
        status: sub.status,
        planCode: sub.planCode,
        pendingPlanCode: sub.pendingPlanCode,
        cycle: cycle ? CycleRef.of(cycle) : null,
        buckets: cycle ? await this.buckets(em, sub, now) : [],
        overageCredits: cycle?.overageCredits ?? 0,
        unbilledCredits: cycle?.unbilledCredits ?? 0,
        heldCredits: await this.holds.heldCredits(em, sub.id, now),
        members: await this.members(em, sub, cycle),
        ...(await this.spendingCap(em, cycle)),
      };
    });
  }

  private async spendingCap(em: EntityManager, cycle: Cycle | null): Promise<SpendingCap> {
    const plan = cycle ? await em.findOneByOrFail(Plan, { code: cycle.planCode }) : null;
    const cap = plan?.overageMode === 'payg' ? overageCapCredits(plan.overageCapFen, plan.overageRatePerMillionFen) : null;
    return { overageCapCredits: cap, spendingCapReached: cap !== null && cycle!.overageCredits >= cap };
  }

  private async buckets(em: EntityManager, sub: Subscription, now: Date) {
    const rows = await em.find(BucketRow, {
      where: { subscriptionId: sub.id, expiresAt: MoreThan(now) },
      order: { expiresAt: 'ASC', seq: 'ASC' },
    });
    return rows.map((b) => ({
      kind: b.kind,
      grantedCredits: b.grantedCredits,
      remainingCredits: b.remainingCredits,
      validFrom: b.validFrom.toISOString(),
      expiresAt: b.expiresAt.toISOString(),
    }));
  }

  private async members(em: EntityManager, sub: Subscription, cycle: Cycle | null): Promise<MemberUsageView[]> {
    const members = await em.find(Member, { where: { subscriptionId: sub.id, removedAt: IsNull() }, order: { addedAt: 'ASC', subscriberId: 'ASC' } });
    const usage = cycle ? await em.findBy(MemberCycleUsage, { cycleId: cycle.id }) : [];
    const used = new Map(usage.map((u) => [u.subscriberId, u.usedCredits]));
    return members.map((m) => ({ subscriberId: m.subscriberId, usedCredits: used.get(m.subscriberId) ?? 0, monthlyCapCredits: m.monthlyCapCredits }));
  }
}
