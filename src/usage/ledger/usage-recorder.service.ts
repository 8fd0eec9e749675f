import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AlertDetector } from '../../alerts/alert-detector.service';
import { AppConfig } from '../../config/app-config';
import { CycleRoller } from '../../subscriptions/cycle-roller.service';
import { membershipAt, screenByClock } from '../event-screening';
import { RejectionReason } from '../rejection-reason';
import { UsageEvent, byOccurrence } from '../usage-event';
import { mayAlert } from './alert-screen';
import { BatchRater } from './batch-rater';
import { ModelRateBook } from './model-rate-book';
import { ModelRatesService } from '../../catalog/model-rates.service';
import { lockAndLoadStates } from './subscription-states';
import { ReservationsRepository, Settlement } from '../../reservations/reservations.repository';
import { RejectedRow, UsageLedgerRepository } from './usage-ledger.repository';
import { Clock } from '../../common/clock/clock';
import { UsageDebitsWriter } from '../../subscriptions/usage-debits.writer';

export type EventOutcome = 'recorded' | 'duplicate' | RejectionReason;

export interface BatchResult {
  recorded: number;
  duplicates: number;
  rejected: number;
  outcomes: Map<string, EventOutcome>;
}

export interface RecordOptions {
  now?: Date;
  /** Re-check events previously rejected with the same body (a retry of rejected usage). */
  retry?: boolean;
  /** Runs inside the batch's transaction after the writes, so follow-up bookkeeping commits with them. */
  afterRecord?: (em: EntityManager, result: BatchResult) => Promise<void>;
}

/**
 * Records a batch of usage events exactly once, in one transaction: claim the event ids, screen
 * each event, lock the subscriptions in id order, rate in occurredAt order through the pure
 * billing rules, and write the ledger, the balances and the rejections set-wise. A crash anywhere
 * rolls everything back, and the redelivered job finds the ids unclaimed again.
 */
@Injectable()
export class UsageRecorder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly repo: UsageLedgerRepository,
    private readonly roller: CycleRoller,
    private readonly modelRates: ModelRatesService,
    private readonly alerts: AlertDetector,
    private readonly holds: ReservationsRepository,
    private readonly clock: Clock,
    private readonly debits: UsageDebitsWriter,
  ) {}

  async record(input: UsageEvent[], opts: RecordOptions = {}): Promise<BatchResult> {
    const now = opts.now ?? this.clock.now();
    const events = [...input].sort(byOccurrence);
    return this.dataSource.transaction('READ COMMITTED', async (em) => {
      const result = await this.recordIn(em, events, now, opts.retry ?? false);
      if (opts.afterRecord) await opts.afterRecord(em, result);
      return result;
    });
  }

  private async recordIn(em: EntityManager, events: UsageEvent[], now: Date, retry: boolean): Promise<BatchResult> {
    const result: BatchResult = { recorded: 0, duplicates: 0, rejected: 0, outcomes: new Map() };
    const rejected: RejectedRow[] = [];
    const reject = (event: UsageEvent, reason: RejectionReason) => {
      rejected.push({ event, reason });
      result.outcomes.set(event.eventId, reason);
    };
    const fresh = await this.deduplicate(em, events, retry, result, reject);
    const memberships = await this.repo.memberships(em, [...new Set(fresh.map((e) => e.subscriberId))]);
    const placed: { event: UsageEvent; subscriptionId: string }[] = [];
    for (const event of fresh) {
      const reason = screenByClock(event.occurredAt, now, this.config.USAGE_RETENTION_DAYS);
      const member = reason ?? membershipAt(memberships.get(event.subscriberId) ?? [], event.occurredAt);
      if (member === 'TOO_OLD' || member === 'UNKNOWN_SUBSCRIBER' || member === 'FUTURE_EVENT') reject(event, member);
      else placed.push({ event, subscriptionId: member });
    }
    const rates = new ModelRateBook(await this.modelRates.ratesOf([...new Set(placed.map((p) => p.event.model))], em));
    const from = placed.length && placed[0].event.occurredAt.getTime() < now.getTime() ? placed[0].event.occurredAt : now;
    const states = await lockAndLoadStates(
      em,
      placed.map((p) => p.subscriptionId),
      from,
    );
    const rater = new BatchRater(em, this.debits, this.roller, rates, states, now);
    for (const { event, subscriptionId } of placed) {
      const outcome = await rater.rate(event, subscriptionId);
      if (outcome === 'recorded') result.outcomes.set(event.eventId, 'recorded');
      else reject(event, outcome);
    }
    await rater.flush();
    await this.repo.insertLedger(em, rater.ledgerRows, this.config.BILLING_TZ);
    await this.holds.settle(em, settlementsOf(rater.ledgerRows), now);
    await this.debits.addMemberUsage(em, rater.memberUsage);
    const touched = new Set(rater.ledgerRows.map((r) => r.subscriptionId));
    await this.alerts.afterUsage(
      em,
      [...touched].filter((id) => mayAlert(rater.stateOf(id)!, now)),
      now,
    );
    await this.repo.insertRejected(em, rejected);
    // A conflicting body never owns its eventId: only the owner's own rejections mark the id.
    const ownRejections = rejected.filter((r) => r.reason !== 'DUPLICATE_CONFLICT').map((r) => r.event.eventId);
    await this.repo.setOutcome(em, ownRejections, 'rejected');
    if (retry)
      await this.repo.setOutcome(
        em,
        rater.ledgerRows.map((r) => r.event.eventId),
        'recorded',
      );
    result.recorded = rater.ledgerRows.length;
    result.rejected = rejected.length;
    return result;
  }

  /**
   * Identical repeats are no-ops; a reused eventId with another body is DUPLICATE_CONFLICT. The
   * owner of an id is the body stored for it, or, for an id new to the ledger, the first of its
   * bodies in this job's order; every other body of the id is compared with that owner.
   */
  private async deduplicate(
    em: EntityManager,
    events: UsageEvent[],
    retry: boolean,
    result: BatchResult,
    reject: (e: UsageEvent, r: RejectionReason) => void,
  ): Promise<UsageEvent[]> {
    const groups = new Map<string, UsageEvent[]>();
    for (const e of events) groups.set(e.eventId, [...(groups.get(e.eventId) ?? []), e]);
    const { claimed, existing } = await this.repo.claimEventIds(
      em,
      [...groups.values()].map((g) => g[0]),
    );
    const fresh: UsageEvent[] = [];
    for (const [id, bodies] of groups) {
      const ownerHash = claimed.has(id) ? bodies[0].bodyHash : existing.get(id)!.bodyHash;
      let processOwner = claimed.has(id) || (retry && existing.get(id)!.outcome === 'rejected');
      for (const e of bodies) {
        if (e.bodyHash !== ownerHash) reject(e, 'DUPLICATE_CONFLICT');
        else if (processOwner) {
          fresh.push(e);
          processOwner = false;
        } else {
          result.duplicates += 1;
          if (!result.outcomes.has(id)) result.outcomes.set(id, 'duplicate');
        }
      }
    }
    return fresh.sort(byOccurrence);
  }
}

/** Only recorded events settle a hold: the ledger row is the charge that replaces it. */
function settlementsOf(rows: { event: UsageEvent; subscriptionId: string }[]): Settlement[] {
  return rows
    .filter((r) => r.event.reservationId)
    .map((r) => ({ reservationId: r.event.reservationId!, subscriptionId: r.subscriptionId, eventId: r.event.eventId }));
}
