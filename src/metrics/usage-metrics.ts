import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { Counter, Histogram } from 'prom-client';
import { REJECTION_REASONS } from '../usage/rejection-reason';
import { MetricsRegistry } from './metrics-registry';

interface BatchOutcome {
  recorded: number;
  duplicates: number;
  rejected: number;
  outcomes: Map<string, string>;
}

/**
 * Counters of the usage path: events accepted by the API (202), and what the worker made of them,
 * per event: recorded in the ledger, duplicate (no-op), rejected by reason. Plus the time a worker
 * spends on one usage job, from the moment it took the job.
 */
@Injectable()
export class UsageMetrics {
  private readonly accepted: Counter;
  private readonly recorded: Counter;
  private readonly duplicate: Counter;
  private readonly rejected: Counter<'reason'>;
  private readonly batchSeconds: Histogram;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.accepted = new Counter({ name: 'tpb_usage_events_accepted_total', help: 'Usage events answered 202 by POST /v1/usage-events', registers });
    this.recorded = new Counter({ name: 'tpb_usage_events_recorded_total', help: 'Usage events recorded in the ledger by a worker', registers });
    this.duplicate = new Counter({
      name: 'tpb_usage_events_duplicate_total',
      help: 'Usage events a worker found already recorded with the same body',
      registers,
    });
    this.rejected = new Counter({
      name: 'tpb_usage_events_rejected_total',
      help: 'Usage events a worker rejected, by reason code',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of REJECTION_REASONS) this.rejected.inc({ reason }, 0);
    this.batchSeconds = new Histogram({
      name: 'tpb_usage_batch_duration_seconds',
      help: 'Time a worker took to record one usage job, from taking it to committing it',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  eventsAccepted(n: number): void {
    this.accepted.inc(n);
  }

  /** Counts a recorded usage job's outcomes and its duration; answers the result unchanged. */
  batchRecorded<T extends BatchOutcome>(job: Job, result: T): T {
    this.recorded.inc(result.recorded);
    this.duplicate.inc(result.duplicates);
    this.countRejections(result);
    if (job.processedOn) this.batchSeconds.observe(Math.max(0, Date.now() - job.processedOn) / 1000);
    return result;
  }

  /**
   * Outcomes are kept per eventId, and the bodies that conflict with an id's owner share its
   * entry; the owner's own outcome is written last. So every other reason is counted exactly
   * from the map, and DUPLICATE_CONFLICT is what is left of the batch's rejections.
   */
  private countRejections(result: BatchOutcome): void {
    let owned = 0;
    for (const outcome of result.outcomes.values()) {
      if (outcome === 'recorded' || outcome === 'duplicate' || outcome === 'DUPLICATE_CONFLICT') continue;
      this.rejected.inc({ reason: outcome });
      owned += 1;
    }
    if (result.rejected > owned) this.rejected.inc({ reason: 'DUPLICATE_CONFLICT' }, result.rejected - owned);
  }
}
