import { EntityManager } from 'typeorm';
import { OverageTerms, eventCredits, planAllowsModel, rateUsage } from '../../billing-rules';
import { Plan } from '../../catalog/entities/plan.entity';
import { CycleRoller } from '../../subscriptions/cycle-roller.service';
import { RejectionReason } from '../rejection-reason';
import { UsageEvent } from '../usage-event';
import { ModelRateBook } from './model-rate-book';
import { SubscriptionState, lockAndLoadStates } from './subscription-states';
import { LedgerRow } from './usage-ledger.repository';
import { MemberUsage, UsageDebitsWriter } from '../../subscriptions/usage-debits.writer';

export const overageTerms = (p: Plan): OverageTerms => ({ mode: p.overageMode, ratePerMillionFen: p.overageRatePerMillionFen, capFen: p.overageCapFen });

/**
 * Rates one batch in occurredAt order against in-memory balances of locked subscriptions.
 * Debits and cycle totals accumulate per bucket and per cycle and are written once, except when
 * an event needs its subscription rolled first: then they are flushed so the roll closes the
 * cycle on the true remaining plan credits.
 */
export class BatchRater {
  readonly ledgerRows: LedgerRow[] = [];
  readonly memberUsage = new Map<string, MemberUsage>();
  private readonly debits = new Map<string, number>();
  private readonly cycleTotals = new Map<string, { overage: number; unbilled: number }>();

  constructor(
    private readonly em: EntityManager,
    private readonly debitsWriter: UsageDebitsWriter,
    private readonly roller: CycleRoller,
    private readonly rates: ModelRateBook,
    private readonly states: Map<string, SubscriptionState>,
    private readonly now: Date,
  ) {}

  async rate(event: UsageEvent, subscriptionId: string): Promise<'recorded' | RejectionReason> {
    let state = this.states.get(subscriptionId)!;
    if (state.cycle && event.occurredAt.getTime() >= state.cycle.endAt.getTime()) state = await this.roll(state, event.occurredAt);
    if (state.sub.endedAt && event.occurredAt.getTime() >= state.sub.endedAt.getTime()) return 'UNKNOWN_SUBSCRIBER';
    const rate = this.rates.rateAt(event.model, event.occurredAt);
    if (!rate) return 'UNKNOWN_MODEL';
    if (!planAllowsModel(state.plan.models, event.model)) return 'MODEL_NOT_IN_PLAN';
    const credits = eventCredits(event.inputTokens, event.outputTokens, rate.inputWeightScaled, rate.outputWeightScaled);
    const cycle = state.cycle;
    const at = cycle && cycle.startAt.getTime() > event.occurredAt.getTime() ? cycle.startAt : event.occurredAt;
    const rated = rateUsage({
      credits,
      buckets: state.buckets,
      at,
      overage: overageTerms(state.plan),
      overageCreditsSoFar: state.overageSoFar,
      billable: cycle !== null,
    });
    this.apply(state, rated.draws);
    state.overageSoFar += rated.overageCredits;
    if (cycle) this.addCycleTotals(cycle.id, rated.overageCredits, rated.unbilledCredits);
    if (cycle) this.addMemberUsage(cycle.id, event.subscriberId, credits);
    if (cycle) state.usedSoFar += credits;
    this.ledgerRows.push({
      event,
      subscriptionId,
      cycleId: cycle?.id ?? null,
      rateId: rate.id,
      credits,
      bucketCredits: credits - rated.overageCredits - rated.unbilledCredits,
      overageCredits: rated.overageCredits,
      unbilledCredits: rated.unbilledCredits,
      draws: rated.draws,
      late: cycle !== null && event.occurredAt.getTime() < cycle.startAt.getTime(),
    });
    return 'recorded';
  }

  /** The subscriptions' states as they stand after the events rated so far. */
  stateOf(subscriptionId: string): SubscriptionState | undefined {
    return this.states.get(subscriptionId);
  }

  async flush(): Promise<void> {
    await this.debitsWriter.debitBuckets(this.em, this.debits);
    await this.debitsWriter.addCycleTotals(this.em, this.cycleTotals);
    this.debits.clear();
    this.cycleTotals.clear();
  }

  private async roll(state: SubscriptionState, until: Date): Promise<SubscriptionState> {
    await this.flush();
    await this.roller.rollLocked(this.em, state.sub, until);
    const loadFrom = until.getTime() < this.now.getTime() ? until : this.now;
    const fresh = (await lockAndLoadStates(this.em, [state.sub.id], loadFrom)).get(state.sub.id)!;
    this.states.set(state.sub.id, fresh);
    return fresh;
  }

  private apply(state: SubscriptionState, draws: { bucketId: string; credits: number }[]): void {
    for (const d of draws) {
      const bucket = state.buckets.find((b) => b.id === d.bucketId)!;
      bucket.remainingCredits -= d.credits;
      this.debits.set(d.bucketId, (this.debits.get(d.bucketId) ?? 0) + d.credits);
    }
  }

  private addCycleTotals(cycleId: string, overage: number, unbilled: number): void {
    const t = this.cycleTotals.get(cycleId) ?? { overage: 0, unbilled: 0 };
    this.cycleTotals.set(cycleId, { overage: t.overage + overage, unbilled: t.unbilled + unbilled });
  }

  private addMemberUsage(cycleId: string, subscriberId: string, credits: number): void {
    const key = `${cycleId}:${subscriberId}`;
    const u = this.memberUsage.get(key) ?? { cycleId, subscriberId, credits: 0 };
    u.credits += credits;
    this.memberUsage.set(key, u);
  }
}
