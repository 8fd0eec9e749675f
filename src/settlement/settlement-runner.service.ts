import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { localDate } from '../billing-rules';
import { AppConfig } from '../config/app-config';
import { DomainException } from '../common/http/domain.exception';
import { IdempotencyRef, IdempotencyService, Outcome } from '../common/idempotency/idempotency.service';
import { ChargeSettlementWriter } from '../charges/charge-settlement.writer';
import { BatchView } from './dto/settlement.dto';
import { SettlementBatch } from './entities/settlement-batch.entity';
import { SETTLEMENT_BATCH_LIFECYCLE as BATCHES } from './settlement-batch-lifecycle';
import { SettlementFileWriter } from './settlement-file-writer';
import { Clock } from '../common/clock/clock';

/** One settlement run at a time across every process: a session-level advisory lock. */
const RUN_LOCK_SQL = `SELECT pg_advisory_lock(hashtext('tpb:settlement-run'))`;
const RUN_UNLOCK_SQL = `SELECT pg_advisory_unlock(hashtext('tpb:settlement-run'))`;

/**
 * The settlement run, in three phases (docs/settlement.md):
 * 1. one transaction: create the batch `preparing` and move every PENDING charge into it;
 * 2. stream the batch from the database to `<file>.tmp`, hashing as it goes, fsync, rename;
 * 3. mark the batch `ready` with its sha256.
 * Every run first finishes a batch a crash left `preparing`, so charges are never lost and never
 * in two batches: membership is decided once, in phase 1, and the file is a function of it.
 */
@Injectable()
export class SettlementRunner {
  private readonly logger = new Logger(SettlementRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly files: SettlementFileWriter,
    private readonly config: AppConfig,
    private readonly chargeSteps: ChargeSettlementWriter,
    private readonly clock: Clock,
  ) {}

  /** 201 with the new batch, or 204 (body null) when nothing was pending. */
  run(idem: IdempotencyRef | null): Promise<Outcome<BatchView | null>> {
    return this.withRunLock(async (conn) => {
      await this.completePreparing(conn);
      const outcome = await this.idempotency.execute<{ id: string } | null>(idem, async (em) => {
        const id = await this.gather(em);
        return id ? { status: 201, body: { id } } : { status: 204, body: null };
      });
      if (!outcome.body) return { status: 204, body: null };
      await this.completePreparing(conn);
      const batch = await conn.manager.findOneByOrFail(SettlementBatch, { id: outcome.body.id });
      return { status: 201, body: BatchView.of(batch) };
    });
  }

  /** Phase 1. Returns the new batch id, or null when no charge is pending. */
  async gather(em: EntityManager): Promise<string | null> {
    if (!(await this.chargeSteps.anyPending(em))) return null;
    const id = randomUUID();
    await em.query(`INSERT INTO settlement_batches (id, status, file_name) VALUES ($1, 'preparing', $2)`, [id, this.fileNameOf(id)]);
    const moved = await this.chargeSteps.exportPending(em, id);
    await em.query(`UPDATE settlement_batches SET record_count = $2, total_amount_fen = $3 WHERE id = $1`, [id, moved.count, moved.totalAmountFen]);
    return id;
  }

  /** Phases 2 and 3 for every batch left `preparing` (at most one, by a unique index). */
  private async completePreparing(conn: QueryRunner): Promise<void> {
    for (const batch of await conn.manager.findBy(SettlementBatch, { status: 'preparing' })) {
      const file = await this.files.writeTemp(conn, batch);
      if (file.recordCount !== batch.recordCount || file.totalAmountFen !== BigInt(batch.totalAmountFen)) {
        await this.files.discard(file);
        throw new Error(`settlement batch ${batch.id}: rows read do not match the batch figures`);
      }
      await this.files.publish(file);
      await conn.query(`UPDATE settlement_batches SET status = 'ready', sha256 = $2, ready_at = now() WHERE id = $1 AND status = ANY($3)`, [
        batch.id,
        file.sha256,
        BATCHES.sourcesOf('ready'),
      ]);
      this.logger.log({ batchId: batch.id, records: batch.recordCount }, 'settlement file ready');
    }
  }

  /**
   * Rewrites a ready batch's lost or damaged file from the database, but only if the result is the
   * file that was sent (same sha256); after a requeue the batch no longer holds every row it had.
   */
  regenerate(batch: SettlementBatch): Promise<void> {
    return this.withRunLock(async (conn) => {
      const file = await this.files.writeTemp(conn, batch);
      if (file.sha256 !== batch.sha256) {
        await this.files.discard(file);
        throw new DomainException(500, 'SETTLEMENT_FILE_LOST', `The file of settlement batch ${batch.id} is missing and cannot be rebuilt identically`);
      }
      await this.files.publish(file);
    });
  }

  fileNameOf(batchId: string, at = this.clock.now()): string {
    const d = localDate(at, this.config.BILLING_TZ);
    const ymd = `${d.year}${String(d.month).padStart(2, '0')}${String(d.day).padStart(2, '0')}`;
    return `settlement-${ymd}-${batchId}.csv`;
  }

  private async withRunLock<T>(work: (conn: QueryRunner) => Promise<T>): Promise<T> {
    const conn = this.dataSource.createQueryRunner();
    await conn.connect();
    try {
      await conn.query(RUN_LOCK_SQL);
      try {
        return await work(conn);
      } finally {
        await conn.query(RUN_UNLOCK_SQL);
      }
    } finally {
      await conn.release();
    }
  }
}
