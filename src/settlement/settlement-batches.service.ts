import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictProblem, DomainException, NotFoundProblem } from '../common/http/domain.exception';
import { FieldError } from '../common/http/problem';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, PageQuery, paginate } from '../common/pagination/pagination';
import { ChargeView } from '../charges/dto/charge.dto';
import { ChargeSettlementWriter } from '../charges/charge-settlement.writer';
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
    private readonly chargeSteps: ChargeSettlementWriter,
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
      const { accepted, rejected } = await this.chargeSteps.acknowledge(em, id, dto.rejected);
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
      return ChargeView.of(await this.chargeSteps.requeue(em, chargeId));
    });
  }
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
  if (errors.length)
    throw new DomainException(400, 'VALIDATION_FAILED', errors.length === 1 ? errors[0].message : `${errors.length} recordIds are invalid`, errors);
}
