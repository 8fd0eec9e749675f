import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { PlansService } from '../catalog/plans.service';
import { ConflictProblem, NotFoundProblem } from '../common/http/domain.exception';
import { MemberInput } from './dto/subscription.dto';
import { SubscriptionView } from './dto/subscription.view';
import { Member } from './entities/member.entity';
import { SubscriptionLifecycleService } from './subscription-lifecycle.service';
import { assertSubscribersFree } from './subscriptions.service';
import { memberCountRefusal } from '../billing-rules';
import { Clock } from '../common/clock/clock';

/** Member lines of family and business pools; a personal plan keeps the one it was sold with. */
@Injectable()
export class MembersService {
  constructor(
    private readonly lifecycle: SubscriptionLifecycleService,
    private readonly plans: PlansService,
    private readonly clock: Clock,
  ) {}

  add(id: string, input: MemberInput, now = this.clock.now()): Promise<SubscriptionView> {
    return this.lifecycle.step(
      id,
      'addMember',
      async (em, sub) => {
        const plan = await this.plans.get(sub.planCode, em);
        const count = await em.countBy(Member, { subscriptionId: id, removedAt: IsNull() });
        if (plan.kind === 'personal') throw new ConflictProblem('PERSONAL_PLAN', 'A personal plan has exactly one member; change the plan to add lines');
        const refusal = memberCountRefusal(plan, count + 1);
        if (refusal) throw new ConflictProblem('MEMBER_LIMIT', refusal);
        await assertSubscribersFree(em, [input], now);
        await em.insert(Member, { subscriptionId: id, subscriberId: input.subscriberId, monthlyCapCredits: input.monthlyCapCredits ?? null, addedAt: now });
      },
      now,
    );
  }

  remove(id: string, subscriberId: string, now = this.clock.now()): Promise<SubscriptionView> {
    return this.lifecycle.step(
      id,
      'removeMember',
      async (em, sub) => {
        const member = await em.findOneBy(Member, { subscriptionId: id, subscriberId, removedAt: IsNull() });
        if (!member) throw new NotFoundProblem('Member', subscriberId);
        const plan = await this.plans.get(sub.planCode, em);
        if (plan.kind === 'personal') throw new ConflictProblem('PERSONAL_PLAN', 'A personal plan keeps its one member; terminate the subscription instead');
        await em.update(Member, { id: member.id }, { removedAt: now });
      },
      now,
    );
  }
}
