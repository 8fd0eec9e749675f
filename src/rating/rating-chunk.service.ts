import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CycleRater, RatedSlice } from './cycle-rater.service';
import { RatingRunService } from './rating-run.service';

interface Progress {
  done_count: number;
  status: 'pending' | 'done';
}

interface ChunkRow extends Progress {
  subscription_ids: string[];
  period_end: Date;
}

/**
 * Processes one chunk of a run. Progress (`done_count`) advances in the same transaction as each
 * slice's charges, so a chunk job killed at any point resumes exactly where it stopped.
 */
@Injectable()
export class RatingChunkService {
  private readonly logger = new Logger(RatingChunkService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly rater: CycleRater,
    private readonly runs: RatingRunService,
    private readonly config: AppConfig,
  ) {}

  async process(runId: string, chunkNo: number): Promise<void> {
    const chunk = await this.load(runId, chunkNo);
    // The ids never change; the progress is read again before each slice (it is what a redo trusts).
    for (let progress: Progress | null = chunk; progress && progress.status !== 'done'; progress = await this.progress(runId, chunkNo)) {
      const slice = chunk!.subscription_ids.slice(progress.done_count, progress.done_count + this.config.RATING_SLICE_SIZE);
      if (slice.length === 0) break;
      await this.rateOrIsolate(runId, chunkNo, slice, chunk!.period_end);
    }
    await this.dataSource.transaction(async (em) => {
      await em.query(`UPDATE rating_run_chunks SET status = 'done' WHERE run_id = $1 AND chunk_no = $2`, [runId, chunkNo]);
      await this.runs.completeIfDone(em, runId);
    });
  }

  /** A slice that fails is redone one subscription at a time, so one bad record cannot stall the run. */
  private async rateOrIsolate(runId: string, chunkNo: number, slice: string[], periodEnd: Date): Promise<void> {
    try {
      await this.rater.rateSlice(slice, periodEnd, (em, r) => this.advance(em, runId, chunkNo, slice.length, r));
    } catch (sliceError) {
      this.logger.warn({ err: sliceError, runId, chunkNo }, 'slice failed; rating its subscriptions one by one');
      for (const id of slice) {
        try {
          await this.rater.rateSlice([id], periodEnd, (em, r) => this.advance(em, runId, chunkNo, 1, r));
        } catch (e) {
          await this.advance(this.dataSource.manager, runId, chunkNo, 1, {
            charges: [],
            errors: [{ subscriptionId: id, message: String((e as Error).message ?? e) }],
          });
        }
      }
    }
  }

  private async advance(em: EntityManager, runId: string, chunkNo: number, done: number, r: RatedSlice): Promise<void> {
    const recurring = r.charges.filter((c) => c.type === 'RECURRING').length;
    const overage = r.charges.filter((c) => c.type === 'OVERAGE').length;
    const amount = r.charges.reduce((s, c) => s + c.amountFen, 0);
    await em.query(
      `UPDATE rating_run_chunks SET done_count = done_count + $3, recurring_count = recurring_count + $4, overage_count = overage_count + $5,
              amount_fen = amount_fen + $6, errors = errors || $7::jsonb
       WHERE run_id = $1 AND chunk_no = $2`,
      [runId, chunkNo, done, recurring, overage, amount, JSON.stringify(r.errors)],
    );
  }

  private async progress(runId: string, chunkNo: number): Promise<Progress | null> {
    const [row]: Progress[] = await this.dataSource.query(`SELECT done_count, status FROM rating_run_chunks WHERE run_id = $1 AND chunk_no = $2`, [
      runId,
      chunkNo,
    ]);
    return row ?? null;
  }

  private async load(runId: string, chunkNo: number): Promise<ChunkRow | null> {
    const [row]: ChunkRow[] = await this.dataSource.query(
      `SELECT k.subscription_ids, k.done_count, k.status, r.period_end FROM rating_run_chunks k JOIN rating_runs r ON r.id = k.run_id
       WHERE k.run_id = $1 AND k.chunk_no = $2`,
      [runId, chunkNo],
    );
    return row ?? null;
  }
}
