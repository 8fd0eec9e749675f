import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { QUEUES } from '../queue/queue-names';
import { JobSchedulerRegistry } from '../queue/job-scheduler-registry';
import { MetricsRegistry } from './metrics-registry';
import { withDeadline } from '../common/with-deadline';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** Jobs waiting to be processed: in the wait list, in a paused queue, or waiting by priority. */
const WAITING_STATES = ['waiting', 'paused', 'prioritized'] as const;
const BATCH_STATUSES = ['preparing', 'ready', 'acknowledged'] as const;
/** A scrape must answer when Redis or PostgreSQL does not: that is when it matters most. */
const SOURCE_TIMEOUT_MS = 2000;

/**
 * Gauges of shared state, read at scrape time (never per request): queue depths and the age of
 * each queue's oldest waiting job from Redis, the latest bill run's progress and settlement batches
 * by status from PostgreSQL. A scrape within METRICS_CACHE_MS of the last reuses its figures, so
 * several scrapers (or a scraper per process) cost one read per interval.
 */
@Injectable()
export class StateGauges {
  private readonly jobs: Gauge<'queue' | 'state'>;
  private readonly oldestAge: Gauge<'queue'>;
  private readonly runProcessed: Gauge<'period' | 'status'>;
  private readonly runTotal: Gauge<'period' | 'status'>;
  private readonly batches: Gauge<'status'>;
  private readonly sourceUp: Gauge<'source'>;
  private readonly schedulers: Gauge<'state'>;
  private readAt = 0;
  private reading: Promise<void> | null = null;

  constructor(
    metrics: MetricsRegistry,
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly schedulerRegistry: JobSchedulerRegistry,
  ) {
    const registers = [metrics.registry];
    this.jobs = new Gauge({ name: 'tpb_queue_jobs', help: 'Jobs per queue and state', labelNames: ['queue', 'state'], registers });
    this.oldestAge = new Gauge({
      name: 'tpb_queue_oldest_waiting_age_seconds',
      help: 'Age of the oldest waiting job per queue (0 when none waits)',
      labelNames: ['queue'],
      registers,
    });
    this.runProcessed = new Gauge({
      name: 'tpb_rating_run_processed',
      help: 'Subscriptions processed by the latest bill run',
      labelNames: ['period', 'status'],
      registers,
    });
    this.runTotal = new Gauge({
      name: 'tpb_rating_run_total',
      help: 'Subscriptions to process in the latest bill run',
      labelNames: ['period', 'status'],
      registers,
    });
    this.batches = new Gauge({ name: 'tpb_settlement_batches', help: 'Settlement batches by status', labelNames: ['status'], registers });
    this.schedulers = new Gauge({
      name: 'tpb_job_schedulers',
      help: 'Job schedulers this process owns (wanted) and those found missing at its last check (missing)',
      labelNames: ['state'],
      registers,
    });
    this.sourceUp = new Gauge({
      name: 'tpb_metrics_source_up',
      help: 'Whether the last scrape could read this source (1) or kept older figures (0)',
      labelNames: ['source'],
      registers,
    });
    metrics.onScrape(() => this.refresh());
  }

  refresh(): Promise<void> {
    if (this.reading) return this.reading;
    if (Date.now() - this.readAt < this.config.METRICS_CACHE_MS) return Promise.resolve();
    this.reading = this.read().finally(() => {
      this.readAt = Date.now();
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const schedules = this.schedulerRegistry.status();
    this.schedulers.set({ state: 'wanted' }, schedules.wanted.length);
    this.schedulers.set({ state: 'missing' }, schedules.missing.length);
    await Promise.all([
      this.readSource('redis', () => Promise.all(Object.values(QUEUES).map((name) => this.readQueue(name)))),
      this.readSource('postgres', () => Promise.all([this.readRatingRun(), this.readBatches()])),
    ]);
  }

  private async readSource(source: string, read: () => Promise<unknown>): Promise<void> {
    try {
      await withDeadline(read(), SOURCE_TIMEOUT_MS, () => new Error(`${source} timed out`));
      this.sourceUp.set({ source }, 1);
    } catch {
      this.sourceUp.set({ source }, 0);
    }
  }

  private async readQueue(name: string): Promise<void> {
    const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    const counts = await queue.getJobCounts(...QUEUE_STATES, ...WAITING_STATES);
    const waiting = WAITING_STATES.reduce((n, state) => n + (counts[state] ?? 0), 0);
    for (const state of QUEUE_STATES) this.jobs.set({ queue: name, state }, state === 'waiting' ? waiting : (counts[state] ?? 0));
    this.oldestAge.set({ queue: name }, await this.oldestWaitingAge(queue));
  }

  /**
   * The oldest job of the wait list and of the paused list (where a paused queue keeps new jobs); only
   * ids and timestamps are read, since a usage job's payload can be megabytes.
   */
  private async oldestWaitingAge(queue: Queue): Promise<number> {
    const ids = await queue.getRanges(['waiting', 'paused'], 0, 0, true);
    if (ids.length === 0) return 0;
    const client = await queue.client;
    const stamps = await Promise.all(ids.map((id) => client.hget(queue.toKey(id), 'timestamp')));
    const oldest = Math.min(...stamps.filter((s): s is string => s !== null).map(Number));
    return Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) / 1000 : 0;
  }

  private async readRatingRun(): Promise<void> {
    const rows: { period: string; status: string; total: number; processed: string }[] = await this.dataSource.query(
      `SELECT r.period, r.status, r.total, (SELECT COALESCE(sum(c.done_count), 0) FROM rating_run_chunks c WHERE c.run_id = r.id)::text AS processed
       FROM rating_runs r ORDER BY r.created_at DESC, r.id DESC LIMIT 1`,
    );
    this.runProcessed.reset();
    this.runTotal.reset();
    for (const r of rows) {
      this.runProcessed.set({ period: r.period, status: r.status }, Number(r.processed));
      this.runTotal.set({ period: r.period, status: r.status }, r.total);
    }
  }

  private async readBatches(): Promise<void> {
    const rows: { status: string; n: string }[] = await this.dataSource.query(`SELECT status, count(*)::text AS n FROM settlement_batches GROUP BY status`);
    for (const status of BATCH_STATUSES) this.batches.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
  }
}
