import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { nextCycle, rolloverCredits } from '../billing-rules';
import { Plan } from '../catalog/entities/plan.entity';
import { NotFoundProblem } from '../common/http/domain.exception';
import { BucketRow } from './entities/bucket.entity';
import { Cycle } from './entities/cycle.entity';
import { Subscription } from './entities/subscription.entity';
import { CYCLE_LIFECYCLE as CYCLES } from './cycle-lifecycle';
import { CycleRollWriter, NextCycle } from './cycle-roll.writer';
import { SUBSCRIPTION_COLUMNS, SubscriptionRow, subscriptionFromRow } from './subscription-row';
import { dbInt } from '../database/db-integer';
import { Clock } from '../common/clock/clock';

export interface CycleTerms {
  start: Date;
  end: Date;
  period: string;
  feeFen: number;
  allowanceCredits: number;
}

interface EndedCycle {
  id: string;
  subscription_id: string;
  end_at: Date;
  plan_code: string;
  unused: string;
}

/**
 * The cycle roll: the one place where cycles close and open. Everything that touches a
 * subscription (usage, authorization, top-ups, lifecycle and member changes, the bill run) rolls
 * it first. One subscription or thousands go through the same set-based steps, a month at a time.
 * The subscription row lock serialises racing callers; the partial unique index on open cycles and
 * the (cycle, kind) index on plan/rollover buckets make a double roll impossible even without it.
 */
@Injectable()
export class CycleRoller {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly writer: CycleRollWriter,
    private readonly clock: Clock,
  ) {}

  /** Locks the subscription (FOR UPDATE) inside `em`'s transaction and rolls it up to `until`. */
  async lockAndRoll(em: EntityManager, subscriptionId: string, until: Date): Promise<Subscription> {
    const sub = await em.findOne(Subscription, { where: { id: subscriptionId }, lock: { mode: 'pessimistic_write' } });
    if (!sub) throw new NotFoundProblem('Subscription', subscriptionId);
    await this.rollLockedMany(em, [sub], until);
    return sub;
  }

  /**
   * For reads, which show a subscription as of `now`: rolls only when its current cycle has ended.
   * When nothing is due it writes nothing and takes no row lock, so a client polling its balance
   * never queues behind (or blocks) the usage worker.
   */
  async rollIfDue(subscriptionId: string, now = this.clock.now()): Promise<void> {
    await this.rollDue([subscriptionId], now);
  }

  /** `rollIfDue` for a page of subscriptions: one unlocked check, then one transaction for the due ones. */
  async rollDue(subscriptionIds: string[], now = this.clock.now()): Promise<void> {
    if (subscriptionIds.length === 0) return;
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT s.id FROM subscriptions s JOIN cycles c ON c.id = s.current_cycle_id
        WHERE s.id = ANY($1::uuid[]) AND c.end_at <= $2 ORDER BY s.id`,
      [subscriptionIds, now.toISOString()],
    );
    if (due.length === 0) return;
    await this.dataSource.transaction(async (em) => {
      const ids = due.map((d) => d.id);
      // Locks in id order, as the bill run does. The rows are read by a second statement: one that
      // waited for a lock would still see another caller's roll as it was before.
      await em.query(`SELECT id FROM subscriptions WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
      const rows: SubscriptionRow[] = await em.query(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions s WHERE s.id = ANY($1::uuid[]) ORDER BY s.id`, [ids]);
      await this.rollLockedMany(em, rows.map(subscriptionFromRow), now);
    });
  }

  /** Convenience for callers without a transaction of their own. */
  async rollNow(subscriptionId: string, until = this.clock.now()): Promise<Subscription> {
    return this.dataSource.transaction((em) => this.lockAndRoll(em, subscriptionId, until));
  }

  /** Opens a subscription's first cycle with its plan bucket (caller holds the new row). */
  async openFirstCycle(em: EntityManager, sub: Subscription, terms: CycleTerms): Promise<Cycle> {
    const [id] = await this.writer.openCycles(em, [{ sub, planCode: sub.planCode, terms, first: true, rollover: 0 }]);
    return em.findOneByOrFail(Cycle, { id });
  }

  /** Rolls a subscription whose row the caller has already locked in `em`'s transaction. */
  async rollLocked(em: EntityManager, sub: Subscription, until: Date): Promise<void> {
    await this.rollLockedMany(em, [sub], until);
  }

  /**
   * Rolls subscriptions the caller has locked, month by month, until none has a cycle ending at
   * or before `until`. The objects are updated to their rolled state.
   */
  async rollLockedMany(em: EntityManager, subs: Subscription[], until: Date): Promise<void> {
    let due = subs.filter((s) => s.currentCycleId !== null);
    while (due.length > 0) {
      const ended = await this.closeDue(em, due, until);
      if (ended.size === 0) return;
      const rolled = due.filter((s) => ended.has(s.id));
      const cancelled = rolled.filter((s) => s.status === 'cancelled');
      due = rolled.filter((s) => s.status !== 'cancelled');
      // A cancelled subscription ends with its cycle instead of opening the next one.
      await this.writer.endSubscriptions(
        em,
        cancelled.map((s) => ({ sub: s, at: ended.get(s.id)!.end_at })),
      );
      const opened = await this.openSuccessors(em, due, ended);
      // Only a cycle that itself ended by `until` needs another pass (a subscription months behind).
      due = due.filter((s) => opened.get(s.id)!.getTime() <= until.getTime());
    }
  }

  /** Closes a cycle at `at` (a termination): its plan credits left become final. */
  async closeCycle(em: EntityManager, cycle: Cycle, at: Date): Promise<number> {
    const plan = await em.findOneBy(BucketRow, { cycleId: cycle.id, kind: 'plan' });
    const unused = plan?.remainingCredits ?? 0;
    await em.update(Cycle, { id: cycle.id, status: In(CYCLES.sourcesOf('closed')) }, { status: 'closed', closedAt: at, unusedPlanCredits: unused });
    return unused;
  }

  /** Ends the subscription at `at`: no open cycle, memberships end at the same instant. */
  async endSubscription(em: EntityManager, sub: Subscription, at: Date): Promise<void> {
    await this.writer.endSubscriptions(em, [{ sub, at }]);
  }

  /** Closes, at their natural end, the open cycles that ended by `until`; unused plan credits become final. */
  private async closeDue(em: EntityManager, subs: Subscription[], until: Date): Promise<Map<string, EndedCycle>> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount].
    const [rows]: [EndedCycle[], number] = await em.query(
      `UPDATE cycles c SET status = 'closed', closed_at = c.end_at,
              unused_plan_credits = COALESCE((SELECT b.remaining_credits FROM buckets b WHERE b.cycle_id = c.id AND b.kind = 'plan'), 0)
       WHERE c.id = ANY($1::uuid[]) AND c.status = ANY($3) AND c.end_at <= $2
       RETURNING c.id, c.subscription_id, c.end_at, c.plan_code, c.unused_plan_credits AS unused`,
      [subs.map((s) => s.currentCycleId), until.toISOString(), CYCLES.sourcesOf('closed')],
    );
    return new Map(rows.map((r) => [r.subscription_id, r]));
  }

  /**
   * Opens the next cycle with the plan in force (the pending one, if any) and the ended plan's
   * rollover; answers the end of each new cycle by subscription.
   */
  private async openSuccessors(em: EntityManager, subs: Subscription[], ended: Map<string, EndedCycle>): Promise<Map<string, Date>> {
    if (subs.length === 0) return new Map();
    const codes = new Set(subs.flatMap((s) => [s.pendingPlanCode ?? s.planCode, ended.get(s.id)!.plan_code]));
    const plans = new Map((await em.findBy(Plan, { code: In([...codes]) })).map((p) => [p.code, p]));
    const next: NextCycle[] = subs.map((sub) => {
      const previous = ended.get(sub.id)!;
      const endedPlan = plans.get(previous.plan_code)!;
      const plan = plans.get(sub.pendingPlanCode ?? sub.planCode)!;
      const bounds = nextCycle(previous.end_at, this.config.BILLING_TZ);
      // The rollover follows the plan of the cycle that ended, and only its plan bucket rolls over.
      const rollover = rolloverCredits(dbInt(previous.unused, 'unused plan credits'), endedPlan.rolloverPercent, endedPlan.rolloverMaxCredits);
      return { sub, planCode: plan.code, terms: { ...bounds, feeFen: plan.monthlyFeeFen, allowanceCredits: plan.allowanceCredits }, first: false, rollover };
    });
    await this.writer.openCycles(em, next);
    return new Map(next.map((n) => [n.sub.id, n.terms.end]));
  }
}
