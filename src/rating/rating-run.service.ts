import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { periodBounds } from '../billing-rules';
import { ConflictProblem, NotFoundProblem } from '../common/http/domain.exception';
import { IdempotencyRef, IdempotencyService, Outcome } from '../common/idempotency/idempotency.service';
import { QUEUES } from '../queue/queue-names';
import { RatingRun } from './entities/rating-run.entity';
import { Page, PageQuery, paginate } from '../common/pagination/pagination';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { RatingRunView } from './dto/rating-run.dto';
import { RATING_RUN_LIFECYCLE as RUNS } from './rating-run-lifecycle';
import { dbInt } from '../database/db-integer';
import { Clock } from '../common/clock/clock';

export const RATING_JOBS = { start: 'start-run', chunk: 'rate-chunk', monthly: 'monthly-bill-run', resume: 'resume-stuck-runs' } as const;

interface ChunkTotals {
  done: string;
  recurring: string;
  overage: string;
  amount: string;
  errors: { subscriptionId: string; message: string }[] | null;
}

/** Creates runs, splits them into chunk jobs, reports progress from the chunks' own counters. */
@Injectable()
export class RatingRunService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly idempotency: IdempotencyService,
    @InjectQueue(QUEUES.rating) private readonly queue: Queue,
    private readonly clock: Clock,
  ) {}

  async create(period: string, idem: IdempotencyRef | null, now = this.clock.now()): Promise<Outcome<RatingRunView>> {
    const { end } = periodBounds(period, this.config.BILLING_TZ);
    if (end.getTime() > now.getTime()) {
      throw new ConflictProblem('PERIOD_NOT_ENDED', `Period ${period} has not ended; it ends at ${end.toISOString()}`);
    }
    const outcome = await this.idempotency.execute(idem, async (em) => {
      const run = await em.save(em.create(RatingRun, { period, periodEnd: end, status: 'queued', total: 0 }));
      return { status: 201, body: await this.view(run.id, em) };
    });
    await this.queue.add(RATING_JOBS.start, { runId: outcome.body.id }, { jobId: `run-${outcome.body.id}` });
    return outcome;
  }

  /** Splits the due subscriptions into chunks and enqueues one job per chunk; safe to redo. */
  async start(runId: string): Promise<void> {
    const chunks = await this.dataSource.transaction(async (em) => {
      const run = await em.findOne(RatingRun, { where: { id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run || !RUNS.canMove(run.status, 'running')) return null;
      const ids = await this.dueSubscriptions(em, run.periodEnd);
      const size = this.config.RATING_CHUNK_SIZE;
      for (let i = 0; i * size < ids.length; i++) {
        await em.query(`INSERT INTO rating_run_chunks (run_id, chunk_no, subscription_ids) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
          runId,
          i,
          ids.slice(i * size, (i + 1) * size),
        ]);
      }
      const status = ids.length === 0 ? 'completed' : 'running';
      RUNS.assertMove(run.status, status);
      await em.update(
        RatingRun,
        { id: runId },
        { status, total: ids.length, startedAt: this.clock.now(), finishedAt: status === 'completed' ? this.clock.now() : null },
      );
      return Math.ceil(ids.length / size);
    });
    for (let i = 0; chunks !== null && i < chunks; i++) {
      await this.queue.add(RATING_JOBS.chunk, { runId, chunkNo: i }, { jobId: `chunk-${runId}-${i}` });
    }
  }

  /** Marks the run completed once every chunk is done (the last chunk to finish does it). */
  async completeIfDone(em: EntityManager, runId: string): Promise<void> {
    await em.query(`SELECT id FROM rating_runs WHERE id = $1 FOR UPDATE`, [runId]);
    const [{ pending }] = await em.query(`SELECT count(*)::int AS pending FROM rating_run_chunks WHERE run_id = $1 AND status <> 'done'`, [runId]);
    if (pending === 0) {
      await em.query(`UPDATE rating_runs SET status = 'completed', finished_at = now() WHERE id = $1 AND status = ANY($2)`, [
        runId,
        RUNS.sourcesOf('completed'),
      ]);
    }
  }

  async fail(runId: string, message: string): Promise<void> {
    await this.dataSource.query(`UPDATE rating_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = ANY($3)`, [
      runId,
      message.slice(0, 2000),
      RUNS.sourcesOf('failed'),
    ]);
  }

  async view(id: string, em: EntityManager = this.dataSource.manager): Promise<RatingRunView> {
    const run = await em.findOneBy(RatingRun, { id });
    if (!run) throw new NotFoundProblem('Rating run', id);
    const [t]: ChunkTotals[] = await em.query(
      `SELECT COALESCE(sum(done_count), 0) AS done, COALESCE(sum(recurring_count), 0) AS recurring, COALESCE(sum(overage_count), 0) AS overage,
              COALESCE(sum(amount_fen), 0) AS amount, jsonb_agg(e) FILTER (WHERE e IS NOT NULL) AS errors
       FROM rating_run_chunks LEFT JOIN LATERAL jsonb_array_elements(errors) e ON true WHERE run_id = $1`,
      [id],
    );
    return {
      id: run.id,
      period: run.period,
      status: run.status,
      progress: { processed: dbInt(t.done, 'chunks done'), total: run.total },
      counts: { RECURRING: dbInt(t.recurring, 'RECURRING count'), OVERAGE: dbInt(t.overage, 'OVERAGE count') },
      totalAmountFen: dbInt(t.amount, 'run totalAmountFen'),
      errors: t.errors ?? [],
      error: run.error,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }

  async list(q: PageQuery): Promise<Page<RatingRunView>> {
    const qb = this.dataSource.getRepository(RatingRun).createQueryBuilder('r');
    const page = await paginate(qb, q, { column: 'r.createdAt', key: (r) => r.createdAt.toISOString(), isSortValue: isIsoInstant });
    return { ...page, data: await Promise.all(page.data.map((r) => this.view(r.id))) };
  }

  /** Re-enqueues work a crash may have orphaned: runs never started, chunks never finished. */
  async resumeStuck(olderThanMs = 60_000): Promise<void> {
    const cutoff = new Date(Date.now() - olderThanMs).toISOString();
    const queued: { id: string }[] = await this.dataSource.query(`SELECT id FROM rating_runs WHERE status = 'queued' AND created_at < $1`, [cutoff]);
    for (const r of queued) await this.queue.add(RATING_JOBS.start, { runId: r.id }, { jobId: `run-${r.id}` });
    const chunks: { run_id: string; chunk_no: number }[] = await this.dataSource.query(
      `SELECT k.run_id, k.chunk_no FROM rating_run_chunks k JOIN rating_runs r ON r.id = k.run_id
       WHERE r.status = 'running' AND k.status = 'pending' AND r.started_at < $1`,
      [cutoff],
    );
    for (const c of chunks) await this.queue.add(RATING_JOBS.chunk, { runId: c.run_id, chunkNo: c.chunk_no }, { jobId: `chunk-${c.run_id}-${c.chunk_no}` });
  }

  /** Every subscription with a cycle that ended by the period's end and is not yet rated (older months too). */
  private async dueSubscriptions(em: EntityManager, periodEnd: Date): Promise<string[]> {
    const rows: { subscription_id: string }[] = await em.query(
      `SELECT DISTINCT subscription_id FROM cycles WHERE status <> 'rated' AND end_at <= $1 ORDER BY subscription_id`,
      [periodEnd.toISOString()],
    );
    return rows.map((r) => r.subscription_id);
  }
}
