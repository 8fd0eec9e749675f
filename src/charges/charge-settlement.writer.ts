import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFoundProblem } from '../common/http/domain.exception';
import { nextChargeStatus, sourcesOf, targetOf } from './charge-status';
import { Charge } from './entities/charge.entity';

export interface Rejection {
  recordId: string;
  reason: string;
}

/**
 * Every settlement step of a charge (export, accept, reject, requeue), written set-wise and only
 * from the states the charge status table allows. Settlement decides when; charges own the rows.
 */
@Injectable()
export class ChargeSettlementWriter {
  /** Whether any charge waits to be exported. */
  async anyPending(em: EntityManager): Promise<boolean> {
    const [{ pending }] = await em.query(`SELECT EXISTS (SELECT 1 FROM charges WHERE status = ANY($1)) AS pending`, [sourcesOf('export')]);
    return pending as boolean;
  }

  /** Moves every pending charge into the batch; answers how many, and their total. */
  async exportPending(em: EntityManager, batchId: string): Promise<{ count: number; totalAmountFen: string }> {
    const [row] = await em.query(
      `WITH moved AS (
         UPDATE charges SET status = $2, settlement_batch_id = $1, updated_at = now() WHERE status = ANY($3) RETURNING amount_fen)
       SELECT count(*)::int AS count, coalesce(sum(amount_fen), 0)::text AS total FROM moved`,
      [batchId, targetOf('export'), sourcesOf('export')],
    );
    return { count: row.count as number, totalAmountFen: row.total as string };
  }

  /** The operator's answer: the listed records rejected with their reasons, every other exported one accepted. */
  async acknowledge(em: EntityManager, batchId: string, rejected: Rejection[]): Promise<{ accepted: number; rejected: number }> {
    const rejectedCount = await countOf(
      em,
      `UPDATE charges c SET status = $3, rejection_reason = r.reason, updated_at = now()
         FROM unnest($2::uuid[], $4::text[]) AS r(id, reason)
        WHERE c.id = r.id AND c.settlement_batch_id = $1 AND c.status = ANY($5) RETURNING 1`,
      [batchId, rejected.map((r) => r.recordId.toLowerCase()), targetOf('reject'), rejected.map((r) => r.reason), sourcesOf('reject')],
    );
    const accepted = await countOf(em, `UPDATE charges SET status = $2, updated_at = now() WHERE settlement_batch_id = $1 AND status = ANY($3) RETURNING 1`, [
      batchId,
      targetOf('accept'),
      sourcesOf('accept'),
    ]);
    return { accepted, rejected: rejectedCount };
  }

  /** A rejected charge goes back to pending, out of its batch, for a later one. */
  async requeue(em: EntityManager, chargeId: string): Promise<Charge> {
    const charge = await em.findOne(Charge, { where: { id: chargeId }, lock: { mode: 'pessimistic_write' } });
    if (!charge) throw new NotFoundProblem('Charge', chargeId);
    const status = nextChargeStatus(charge.status, 'requeue');
    await em.query(`UPDATE charges SET status = $2, settlement_batch_id = NULL, rejection_reason = NULL, updated_at = now() WHERE id = $1`, [chargeId, status]);
    return em.findOneByOrFail(Charge, { id: chargeId });
  }
}

async function countOf(em: EntityManager, updateReturning: string, params: unknown[]): Promise<number> {
  const [{ n }] = await em.query(`WITH changed AS (${updateReturning}) SELECT count(*)::int AS n FROM changed`, params);
  return n as number;
}
