import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { nextCycle, rolloverCredits } from '../billing-rules';
import { Plan } from '../catalog/entities/plan.entity';
import { NotFoundProblem } from '../common/http/domain.exception';
import { BucketRow } from './entities/bucket.entity';
import { Cycle } from './entities/cycle.entity';
import { Member } from './entities/member.entity';
import { Subscription } from './entities/subscription.entity';

export interface CycleTerms {
  start: Date;
  end: Date;
  period: string;
  feeFen: number;
  allowanceCredits: number;
}

/**
 * The cycle roll: the one place where cycles close and open. Everything that touches a
 * subscription (usage, authorization, top-ups, lifecycle and member changes, the bill run) calls
 * `lockAndRoll` first. The subscription row lock serialises racing callers; the partial unique
 * index on open cycles and the (cycle, kind) index on plan/rollover buckets make a double roll
 * impossible even if that lock were bypassed.
 */
@Injectable()
export class CycleRoller {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Locks the subscription (FOR UPDATE) inside `em`'s transaction and rolls it up to `until`. */
  async lockAndRoll(em: EntityManager, subscriptionId: string, until: Date): Promise<Subscription> {
    const sub = await em.findOne(Subscription, { where: { id: subscriptionId }, lock: { mode: 'pessimistic_write' } });
    if (!sub) throw new NotFoundProblem('Subscription', subscriptionId);
    await this.roll(em, sub, until);
    return sub;
  }

  /** Convenience for callers without a transaction of their own. */
  async rollNow(subscriptionId: string, until = new Date()): Promise<Subscription> {
    return this.dataSource.transaction((em) => this.lockAndRoll(em, subscriptionId, until));
  }

  /** Opens a subscription's first cycle with its plan bucket (caller holds the new row). */
  async openFirstCycle(em: EntityManager, sub: Subscription, terms: CycleTerms): Promise<Cycle> {
    return this.openCycle(em, sub, sub.planCode, terms, true);
  }

  /** Rolls a subscription whose row the caller has already locked in `em`'s transaction. */
  async rollLocked(em: EntityManager, sub: Subscription, until: Date): Promise<void> {
    await this.roll(em, sub, until);
  }

  private async roll(em: EntityManager, sub: Subscription, until: Date): Promise<void> {
    while (sub.currentCycleId) {
      const cycle = await em.findOneByOrFail(Cycle, { id: sub.currentCycleId });
      if (cycle.endAt.getTime() > until.getTime()) return;
      const unused = await this.closeCycle(em, cycle, cycle.endAt);
      if (sub.status === 'cancelled') {
        await this.endSubscription(em, sub, cycle.endAt);
        return;
      }
      await this.openSuccessor(em, sub, cycle, unused);
    }
  }

  /** Closes a cycle at `at`: its plan credits left become final as the cycle's unused credits. */
  async closeCycle(em: EntityManager, cycle: Cycle, at: Date): Promise<number> {
    const plan = await em.findOneBy(BucketRow, { cycleId: cycle.id, kind: 'plan' });
    const unused = plan?.remainingCredits ?? 0;
    await em.update(Cycle, { id: cycle.id, status: 'open' }, { status: 'closed', closedAt: at, unusedPlanCredits: unused });
    return unused;
  }

  /** Ends the subscription at `at`: no open cycle, memberships end at the same instant. */
  async endSubscription(em: EntityManager, sub: Subscription, at: Date): Promise<void> {
    sub.status = 'ended';
    sub.endedAt = at;
    sub.currentCycleId = null;
    await em.update(Subscription, { id: sub.id }, { status: 'ended', endedAt: at, currentCycleId: null });
    await em
      .createQueryBuilder()
      .update(Member)
      .set({ removedAt: () => `GREATEST(added_at, :at::timestamptz)` })
      .setParameter('at', at.toISOString())
      .where('subscription_id = :id AND removed_at IS NULL', { id: sub.id })
      .execute();
  }

  private async openSuccessor(em: EntityManager, sub: Subscription, ended: Cycle, unused: number): Promise<void> {
    const endedPlan = await em.findOneByOrFail(Plan, { code: ended.planCode });
    const planCode = sub.pendingPlanCode ?? sub.planCode;
    const plan = planCode === endedPlan.code ? endedPlan : await em.findOneByOrFail(Plan, { code: planCode });
    const next = nextCycle(ended.endAt, this.config.BILLING_TZ);
    sub.planCode = planCode;
    sub.pendingPlanCode = null;
    const cycle = await this.openCycle(em, sub, planCode, { ...next, feeFen: plan.monthlyFeeFen, allowanceCredits: plan.allowanceCredits }, false);
    // The rollover follows the plan of the cycle that ended, and only its plan bucket rolls over.
    const carried = rolloverCredits(unused, endedPlan.rolloverPercent, endedPlan.rolloverMaxCredits);
    if (carried > 0) await this.grant(em, sub.id, cycle, 'rollover', carried);
  }

  private async openCycle(em: EntityManager, sub: Subscription, planCode: string, t: CycleTerms, first: boolean): Promise<Cycle> {
    const cycle = await em.save(
      em.create(Cycle, {
        subscriptionId: sub.id,
        period: t.period,
        startAt: t.start,
        endAt: t.end,
        planCode,
        firstCycle: first,
        feeFen: t.feeFen,
        allowanceCredits: t.allowanceCredits,
        status: 'open',
        overageCredits: 0,
        unbilledCredits: 0,
      }),
    );
    sub.currentCycleId = cycle.id;
    await em.update(Subscription, { id: sub.id }, { currentCycleId: cycle.id, planCode, pendingPlanCode: sub.pendingPlanCode });
    if (t.allowanceCredits > 0) await this.grant(em, sub.id, cycle, 'plan', t.allowanceCredits);
    return cycle;
  }

  private async grant(em: EntityManager, subscriptionId: string, cycle: Cycle, kind: 'plan' | 'rollover', credits: number): Promise<void> {
    await em.insert(BucketRow, {
      subscriptionId,
      cycleId: cycle.id,
      kind,
      grantedCredits: credits,
      remainingCredits: credits,
      validFrom: cycle.startAt,
      expiresAt: cycle.endAt,
    });
  }
}
