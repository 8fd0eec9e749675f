import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, LessThan } from 'typeorm';
import { writePendingAudit } from '../../audit/audit-scope';
import { ConflictProblem } from '../http/domain.exception';
import { IdempotencyRecord } from './entities/idempotency-record.entity';

export interface IdempotencyRef {
  scope: string;
  key: string;
  fingerprint: string;
}

export interface Outcome<T> {
  status: number;
  body: T;
}

/**
 * Same key and same request: the stored answer, without doing the work again. Same key, other
 * request: 409. The key row is inserted in the same transaction as the work, so either both commit
 * or neither does; a concurrent request with the same key blocks on the row's unique index until
 * the first commits, then replays its answer.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  async execute<T>(ref: IdempotencyRef | null, work: (em: EntityManager) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    return this.dataSource.transaction(async (em) => {
      const outcome = ref && !(await this.claim(em, ref)) ? await this.replay<T>(em, ref) : await this.workAndStore(em, ref, work);
      await writePendingAudit(em, outcome.body);
      return outcome;
    });
  }

  private async workAndStore<T>(em: EntityManager, ref: IdempotencyRef | null, work: (em: EntityManager) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    const outcome = await work(em);
    if (ref) await this.store(em, ref, outcome);
    return outcome;
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result = await this.dataSource.getRepository(IdempotencyRecord).delete({ createdAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  private async claim(em: EntityManager, ref: IdempotencyRef): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [ref.scope, ref.key, ref.fingerprint],
    );
    return rows.length === 1;
  }

  private async replay<T>(em: EntityManager, ref: IdempotencyRef): Promise<Outcome<T>> {
    const found = await em.findOneByOrFail(IdempotencyRecord, { scope: ref.scope, key: ref.key });
    if (found.fingerprint !== ref.fingerprint) {
      throw new ConflictProblem('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${ref.key} was already used with a different request`);
    }
    return { status: found.statusCode ?? 200, body: found.response as T };
  }

  private async store<T>(em: EntityManager, ref: IdempotencyRef, outcome: Outcome<T>): Promise<void> {
    const response = outcome.body === undefined ? null : JSON.parse(JSON.stringify(outcome.body));
    await em.update(IdempotencyRecord, { scope: ref.scope, key: ref.key }, { statusCode: outcome.status, response });
  }
}
