import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsageEventDto } from './dto/usage-event.dto';
import { isDataError } from './ledger/data-error';
import { UsageLedgerRepository } from './ledger/usage-ledger.repository';
import { UsageRecorder } from './ledger/usage-recorder.service';
import { checkUsageBatch } from './usage-batch.validation';
import { UsageEvent, byOccurrence, toUsageEvent } from './usage-event';
import { UnrecordableRow, unrecordableRow } from './unrecordable-event';

export interface JobOutcome {
  recorded: number;
  duplicates: number;
  rejected: number;
  unrecordable: number;
  /** The last outcome per eventId (a reason code when rejected), for the metrics by reason. */
  outcomes: Map<string, string>;
}

/**
 * Records one queue job so that no event in it is held hostage by another. A job merges several
 * requests (or comes from a direct producer who skipped the API's 400), so:
 * - events that break the event rules are set aside one by one, the rest go on;
 * - when the batch's transaction fails for a reason tied to its data (isDataError), the batch
 *   is split in halves, in occurredAt order, until the culprit stands alone; every other half
 *   commits on its own, exactly once as always;
 * - the culprits are kept in rejected usage as UNRECORDABLE.
 * Any other failure (connection lost, database down) is thrown: the job is retried whole, and the
 * halves already committed come back as duplicates.
 */
@Injectable()
export class UsageJobRecorder {
  private readonly logger = new Logger(UsageJobRecorder.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly recorder: UsageRecorder,
    private readonly repo: UsageLedgerRepository,
  ) {}

  async record(rawEvents: unknown[]): Promise<JobOutcome> {
    const { events, unrecordable } = sortOut(rawEvents);
    const outcome: JobOutcome = { recorded: 0, duplicates: 0, rejected: 0, unrecordable: 0, outcomes: new Map() };
    if (events.length > 0) await this.recordIsolating(events.sort(byOccurrence), outcome, unrecordable);
    if (unrecordable.length > 0) {
      await this.dataSource.transaction((em) => this.repo.insertUnrecordable(em, unrecordable));
      this.logger.warn({ events: unrecordable.map((u) => ({ eventId: u.eventId, cause: u.cause })) }, 'unrecordable usage events set aside');
    }
    outcome.unrecordable = unrecordable.length;
    unrecordable.forEach((u, i) => outcome.outcomes.set(u.eventId || `#unrecordable-${i}`, 'UNRECORDABLE'));
    return outcome;
  }

  private async recordIsolating(events: UsageEvent[], outcome: JobOutcome, unrecordable: UnrecordableRow[]): Promise<void> {
    try {
      const r = await this.recorder.record(events);
      outcome.recorded += r.recorded;
      outcome.duplicates += r.duplicates;
      outcome.rejected += r.rejected;
      for (const [eventId, result] of r.outcomes) outcome.outcomes.set(eventId, result);
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (events.length === 1) {
        unrecordable.push(unrecordableRow(events[0].raw, error instanceof Error ? error.message : String(error)));
        return;
      }
      const mid = Math.ceil(events.length / 2);
      await this.recordIsolating(events.slice(0, mid), outcome, unrecordable);
      await this.recordIsolating(events.slice(mid), outcome, unrecordable);
    }
  }
}

/** Splits a job's events into those that keep the event rules and rows for those that do not. */
function sortOut(rawEvents: unknown[]): { events: UsageEvent[]; unrecordable: UnrecordableRow[] } {
  const whole = checkUsageBatch({ events: rawEvents }, 'job');
  if (whole.ok) return { events: whole.batch.events.map(toUsageEvent), unrecordable: [] };
  const events: UsageEvent[] = [];
  const unrecordable: UnrecordableRow[] = [];
  for (const raw of rawEvents) {
    const one = checkUsageBatch({ events: [raw] }, 'job');
    if (one.ok) events.push(toUsageEvent(one.batch.events[0] as UsageEventDto));
    else unrecordable.push(unrecordableRow(raw, one.errors.map((e) => `${e.path.replace(/^events\[0\]\.?/, '')}: ${e.message}`).join('; ')));
  }
  return { events, unrecordable };
}
