import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { firstCycleTerms, memberCountRefusal } from '../billing-rules';
import { AccountsService } from '../accounts/accounts.service';
import { PlansService } from '../catalog/plans.service';
import { Plan } from '../catalog/entities/plan.entity';
import { BadInputProblem, ConflictProblem, NotFoundProblem } from '../common/http/domain.exception';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, paginate } from '../common/pagination/pagination';
import { CycleRoller } from './cycle-roller.service';
import { CreateSubscriptionDto, MemberInput, SubscriptionQuery } from './dto/subscription.dto';
import { SubscriptionView } from './dto/subscription.view';
import { Cycle } from './entities/cycle.entity';
import { Member } from './entities/member.entity';
import { Subscription } from './entities/subscription.entity';
import { Clock } from '../common/clock/clock';

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly roller: CycleRoller,
    private readonly accounts: AccountsService,
    private readonly plans: PlansService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateSubscriptionDto, now = this.clock.now()): Promise<SubscriptionView> {
    const startAt = dto.startAt ? new Date(dto.startAt) : now;
    if (startAt.getTime() > now.getTime()) throw new BadInputProblem('startAt', 'startAt must not lie in the future');
    assertBackdateWithin(startAt, now, this.config.MAX_BACKDATE_DAYS);
    const id = await this.dataSource.transaction(async (em) => {
      await this.accounts.getOpenForReference(em, dto.accountId);
      const plan = await this.plans.getSellable(dto.planCode, em);
      assertMemberCount(plan, dto.members);
      await assertSubscribersFree(em, dto.members, startAt);
      const sub = await em.save(em.create(Subscription, { accountId: dto.accountId, planCode: plan.code, status: 'active', startAt }));
      await em.insert(
        Member,
        dto.members.map((m) => ({ subscriptionId: sub.id, subscriberId: m.subscriberId, monthlyCapCredits: m.monthlyCapCredits ?? null, addedAt: startAt })),
      );
      const terms = firstCycleTerms(startAt, this.config.BILLING_TZ, plan.monthlyFeeFen, plan.allowanceCredits);
      // No roll here: a backdated subscription stays in the cycle containing startAt until its first
      // touch, so usage of that cycle arriving meanwhile is billed there and not as late usage.
      await this.roller.openFirstCycle(em, sub, terms);
      return sub.id;
    });
    return this.view(id);
  }

  async view(id: string, em: EntityManager = this.dataSource.manager): Promise<SubscriptionView> {
    const sub = await em.findOneBy(Subscription, { id });
    if (!sub) throw new NotFoundProblem('Subscription', id);
    const cycle = sub.currentCycleId ? await em.findOneBy(Cycle, { id: sub.currentCycleId }) : null;
    const members = await em.find(Member, { where: { subscriptionId: id, removedAt: IsNull() }, order: { addedAt: 'ASC', subscriberId: 'ASC' } });
    return SubscriptionView.of(sub, cycle, members);
  }

  /** The subscription as of now: rolled first when its cycle has ended, read without locks otherwise. */
  async rolledView(id: string, now = this.clock.now()): Promise<SubscriptionView> {
    await this.roller.rollIfDue(id, now);
    return this.view(id);
  }

  /** The owning account, for scope checks made before anything is rolled or written. */
  async accountOf(id: string): Promise<string> {
    const sub = await this.dataSource.getRepository(Subscription).findOne({ where: { id }, select: { id: true, accountId: true } });
    if (!sub) throw new NotFoundProblem('Subscription', id);
    return sub.accountId;
  }

  async list(q: SubscriptionQuery, now = this.clock.now()): Promise<Page<SubscriptionView>> {
    const qb = this.dataSource.getRepository(Subscription).createQueryBuilder('s');
    if (q.accountId) qb.andWhere('s.accountId = :accountId', { accountId: q.accountId });
    if (q.subscriberId) {
      qb.andWhere('s.id IN (SELECT m.subscription_id FROM members m WHERE m.subscriber_id = :sid)', { sid: q.subscriberId });
    }
    const page = await paginate(qb, q, { column: 's.createdAt', key: (s) => s.createdAt.toISOString(), isSortValue: isIsoInstant });
    // A list is a read too: it shows each subscription as of now.
    await this.roller.rollDue(
      page.data.map((s) => s.id),
      now,
    );
    return { ...page, data: await Promise.all(page.data.map((s) => this.view(s.id))) };
  }
}

export function assertMemberCount(plan: Plan, members: MemberInput[]): void {
  const refusal = memberCountRefusal(plan, members.length);
  if (refusal) throw new BadInputProblem('members', refusal);
  const seen = new Set<string>();
  members.forEach((m, i) => {
    if (seen.has(m.subscriberId)) throw new BadInputProblem(`members[${i}].subscriberId`, `${m.subscriberId} is listed twice`);
    seen.add(m.subscriberId);
  });
}

/** A subscriberId belongs to one subscription at a time; a backdated start must not overlap an old membership. */
export async function assertSubscribersFree(em: EntityManager, members: { subscriberId: string }[], from: Date): Promise<void> {
  if (members.length === 0) return;
  const ids = members.map((m) => m.subscriberId);
  const taken = await em
    .getRepository(Member)
    .createQueryBuilder('m')
    .where({ subscriberId: In(ids) })
    .andWhere('(m.removedAt IS NULL OR m.removedAt > :from)', { from })
    .getOne();
  if (taken) {
    throw new ConflictProblem('SUBSCRIBER_TAKEN', `Subscriber ${taken.subscriberId} already belongs to subscription ${taken.subscriptionId}`);
  }
}

const DAY_MS = 86_400_000;

/** Every month between startAt and now is billed a fee: a bound keeps one typo from billing years. */
function assertBackdateWithin(startAt: Date, now: Date, maxDays: number): void {
  if (now.getTime() - startAt.getTime() <= maxDays * DAY_MS) return;
  throw new BadInputProblem('startAt', `startAt may lie at most ${maxDays} days in the past (MAX_BACKDATE_DAYS)`);
}
