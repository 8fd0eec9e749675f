import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { PlansService } from '../catalog/plans.service';
import { ConflictProblem } from '../common/http/domain.exception';
import { CycleRoller } from './cycle-roller.service';
import { SubscriptionView } from './dto/subscription.view';
import { Cycle } from './entities/cycle.entity';
import { Member } from './entities/member.entity';
import { Subscription } from './entities/subscription.entity';
import { SubscriptionAction, nextStatus } from './subscription-lifecycle';
import { SubscriptionsService } from './subscriptions.service';
import { memberCountRefusal } from '../billing-rules';
import { Clock } from '../common/clock/clock';

/**
 * Lifecycle steps. Each one locks the subscription, rolls it to now (so a cancel on the 3rd ends
 * this month's cycle, not an older one), checks the transition table, then applies the step.
 */
@Injectable()
export class SubscriptionLifecycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roller: CycleRoller,
    private readonly plans: PlansService,
    private readonly subscriptions: SubscriptionsService,
    private readonly clock: Clock,
  ) {}

  changePlan(id: string, planCode: string, now = this.clock.now()): Promise<SubscriptionView> {
    return this.step(
      id,
      'changePlan',
      async (em, sub) => {
        const plan = await this.plans.getSellable(planCode, em);
        const members = await em.countBy(Member, { subscriptionId: id, removedAt: IsNull() });
        const refusal = memberCountRefusal(plan, members);
        if (refusal) throw new ConflictProblem('MEMBER_LIMIT', refusal);
        sub.pendingPlanCode = plan.code === sub.planCode ? null : plan.code;
      },
      now,
    );
  }

  cancel(id: string, now = this.clock.now()): Promise<SubscriptionView> {
    return this.step(id, 'cancel', async () => undefined, now);
  }

  suspend(id: string, now = this.clock.now()): Promise<SubscriptionView> {
    return this.step(id, 'suspend', async () => undefined, now);
  }

  resume(id: string, now = this.clock.now()): Promise<SubscriptionView> {
    return this.step(id, 'resume', async () => undefined, now);
  }

  /** Ends now: the open cycle closes at this instant and keeps the fee it opened with. */
  terminate(id: string, now = this.clock.now()): Promise<SubscriptionView> {
    return this.step(
      id,
      'terminate',
      async (em, sub) => {
        const cycle = await em.findOneByOrFail(Cycle, { id: sub.currentCycleId! });
        await this.roller.closeCycle(em, cycle, now);
        await this.roller.endSubscription(em, sub, now);
      },
      now,
    );
  }

  async step(
    id: string,
    action: SubscriptionAction,
    apply: (em: EntityManager, sub: Subscription) => Promise<void>,
    now = this.clock.now(),
  ): Promise<SubscriptionView> {
    return this.dataSource.transaction(async (em) => {
      const sub = await this.roller.lockAndRoll(em, id, now);
      const status = nextStatus(sub.status, action);
      await apply(em, sub);
      if (sub.status !== 'ended') sub.status = status;
      await em.update(Subscription, { id }, { status: sub.status, pendingPlanCode: sub.pendingPlanCode });
      return this.subscriptions.view(id, em);
    });
  }
}
