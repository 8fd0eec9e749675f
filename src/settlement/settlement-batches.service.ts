import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictProblem, DomainException, NotFoundProblem } from '../common/http/domain.exception';
import { FieldError } from '../common/http/problem';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, PageQuery, paginate } from '../common/pagination/pagination';
import { ChargeView } from '../charges/dto/charge.dto';
import { Charge } from '../charges/entities/charge.entity';
import { nextChargeStatus, sourcesOf, targetOf } from './charge-status';
import { AckDto, BatchView, RejectionDto } from './dto/settlement.dto';
import { SettlementBatch } from './entities/settlement-batch.entity';
import { SettlementFileWriter } from './settlement-file-writer';
import { SETTLEMENT_BATCH_LIFECYCLE as BATCHES } from './settlement-batch-lifecycle';
import { SettlementRunner } from './settlement-runner.service';

export interface BatchFile {
  path: string;
  fileName: string;
  sha256: string;
}

@Injectable()
export class SettlementBatchesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: SettlementFileWriter,
    private readonly runner: SettlementRunner,
  ) {}

  async list(q: PageQuery): Promise<Page<BatchView>> {
    const qb = this.dataSource.getRepository(SettlementBatch).createQueryBuilder('b');
    const page = await paginate(qb, q, { column: 'b.createdAt', key: (b) => b.createdAt.toISOString(), isSortValue: isIsoInstant });
    return { ...page, data: page.data.map(BatchView.of) };
  }

  async get(id: string, em: EntityManager = this.dataSource.manager): Promise<SettlementBatch> {
    const batch = await em.findOneBy(SettlementBatch, { id });
    if (!batch) throw new NotFoundProblem('Settlement batch', id);
    return batch;
  }

  /** The stored file, verified against the recorded sha256; rebuilt from the database if it was lost. */
  async file(id: string): Promise<BatchFile> {
    const batch = await this.get(id);
    if (batch.status === 'preparing' || !batch.sha256) throw new ConflictProblem('BATCH_NOT_READY', `Settlement batch ${id} is still being prepared`);
    const path = this.files.pathOf(batch.fileName);
    if ((await this.files.hashOf(path)) !== batch.sha256) await this.runner.regenerate(batch);
    return { path, fileName: batch.fileName, sha256: batch.sha256 };
  }

  /** The operator's answer: listed records REJECTED with their reason, every other one ACCEPTED. */
  ack(id: string, dto: AckDto): Promise<BatchView> {
    return this.dataSource.transaction(async (em) => {
      const batch = await em.findOne(SettlementBatch, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!batch) throw new NotFoundProblem('Settlement batch', id);
      if (batch.status === 'acknowledged') throw new ConflictProblem('BATCH_ALREADY_ACKNOWLEDGED', `Settlement batch ${id} was already acknowledged`);
      if (!BATCHES.canMove(batch.status, 'acknowledged')) throw new ConflictProblem('BATCH_NOT_READY', `Settlement batch ${id} is still being prepared`);
      await assertRecordsOfBatch(em, id, dto.rejected);
      const rejected = await countOf(em, `UPDATE charges c SET status = $3, rejection_reason = r.reason, updated_at = now()
          FROM unnest($2::uuid[], $4::text[]) AS r(id, reason)
          WHERE c.id = r.id AND c.settlement_batch_id = $1 AND c.status = ANY($5) RETURNING 1`,
        [id, dto.rejected.map((r) => r.recordId.toLowerCase()), targetOf('reject'), dto.rejected.map((r) => r.reason), sourcesOf('reject')]);
      const accepted = await countOf(em, `UPDATE charges SET status = $2, updated_at = now() WHERE settlement_batch_id = $1 AND status = ANY($3) RETURNING 1`,
        [id, targetOf('accept'), sourcesOf('accept')]);
      await em.query(
        `UPDATE settlement_batches SET status = 'acknowledged', accepted_count = $2, rejected_count = $3, acknowledged_at = now() WHERE id = $1 AND status = ANY($4)`,
        [id, accepted, rejected, BATCHES.sourcesOf('acknowledged')],
      );
      return BatchView.of(await this.get(id, em));
    });
  }

  /** A REJECTED charge goes back to PENDING, out of its batch, for a later one. */
  requeue(chargeId: string): Promise<ChargeView> {
    return this.dataSource.transaction(async (em) => {
      const charge = await em.findOne(Charge, { where: { id: chargeId }, lock: { mode: 'pessimistic_write' } });
      if (!charge) throw new NotFoundProblem('Charge', chargeId);
      const status = nextChargeStatus(charge.status, 'requeue');
      await em.query(`UPDATE charges SET status = $2, settlement_batch_id = NULL, rejection_reason = NULL, updated_at = now() WHERE id = $1`, [
        chargeId,
        status,
      ]);
      return ChargeView.of(await em.findOneByOrFail(Charge, { id: chargeId }));
    });
  }
}

async function countOf(em: EntityManager, updateReturning: string, params: unknown[]): Promise<number> {
  const [{ n }] = await em.query(`WITH changed AS (${updateReturning}) SELECT count(*)::int AS n FROM changed`, params);
  return n;
}

/** 400 naming every index whose recordId is repeated or not a record of this batch. */
async function assertRecordsOfBatch(em: EntityManager, batchId: string, rejected: RejectionDto[]): Promise<void> {
  const ids = rejected.map((r) => r.recordId.toLowerCase());
  const found: { id: string }[] = ids.length
    ? await em.query(`SELECT id FROM charges WHERE settlement_batch_id = $1 AND id = ANY($2::uuid[])`, [batchId, ids])
    : [];
  const inBatch = new Set(found.map((r) => r.id));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  ids.forEach((id, i) => {
    const path = `rejected[${i}].recordId`;
    if (!inBatch.has(id)) errors.push({ path, message: `${path} ${id} is not a record of batch ${batchId}` });
    else if (seen.has(id)) errors.push({ path, message: `${path} ${id} is listed twice` });
    seen.add(id);
  });
  if (errors.length) throw new DomainException(400, 'VALIDATION_FAILED', errors.length === 1 ? errors[0].message : `${errors.length} recordIds are invalid`, errors);
}
