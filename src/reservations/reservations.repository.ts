import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { heldCreditsFrom } from './held-credits';
import { dbInt } from '../database/db-integer';
import { BalanceSql } from '../subscriptions/balance-read-model';

export type ClosedAs = 'settled' | 'released' | 'expired';

export interface ReservationRow {
  id: string;
  subscriptionId: string;
  subscriberId: string;
  model: string;
  credits: number;
  createdAt: Date;
  expiresAt: Date;
  closedAt: Date | null;
  closedAs: ClosedAs | null;
  settledEventId: string | null;
}

export type NewHold = Pick<ReservationRow, 'subscriptionId' | 'subscriberId' | 'model' | 'credits' | 'createdAt' | 'expiresAt'>;

/** A recorded usage event that names a reservation: it settles that hold if the hold is its subscription's. */
export interface Settlement {
  reservationId: string;
  subscriptionId: string;
  eventId: string;
}

interface Raw {
  id: string;
  subscription_id: string;
  subscriber_id: string;
  model: string;
  credits: string;
  created_at: Date;
  expires_at: Date;
  closed_at: Date | null;
  closed_as: ClosedAs | null;
  settled_event_id: string | null;
}

const COLUMNS = 'id, subscription_id, subscriber_id, model, credits, created_at, expires_at, closed_at, closed_as, settled_event_id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The reservations table. A hold is closed once (settled, released or expired): every close is an
 * UPDATE guarded by `closed_at IS NULL`, so a second settle or release changes nothing.
 */
@Injectable()
export class ReservationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Serializes hold placement per subscription until the transaction ends. An advisory lock, not
   * the subscription row: usage batches lock that row for their whole transaction, and a hold
   * need not wait for them (a batch charges and releases in one commit, so a hold placed before
   * or after it sees a consistent pool). The caller must read the balance in a later statement:
   * a statement that waited keeps the snapshot it took before the wait.
   */
  async lockPoolOf(em: EntityManager, subscriberId: string): Promise<void> {
    await preparedQuery(
      em,
      'reservations-lock-pool',
      `SELECT pg_advisory_xact_lock(hashtextextended('tpb:holds:' || m.subscription_id::text, 0))
         FROM members m WHERE m.subscriber_id = $1 AND m.removed_at IS NULL`,
      [subscriberId],
    );
  }

  async insert(em: EntityManager, hold: NewHold): Promise<ReservationRow> {
    const [row] = await preparedQuery<Raw>(
      em,
      'reservations-insert',
      `INSERT INTO reservations (subscription_id, subscriber_id, model, credits, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [hold.subscriptionId, hold.subscriberId, hold.model, hold.credits, hold.createdAt.toISOString(), hold.expiresAt.toISOString()],
    );
    return toRow(row);
  }

  /** Closes the hold as released; null when it does not exist. An already closed hold is returned as it is. */
  async release(id: string, now: Date): Promise<ReservationRow | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [[closed]]: [Raw[], number] = await this.dataSource.query(
      `UPDATE reservations SET closed_at = $2, closed_as = 'released' WHERE id = $1 AND closed_at IS NULL RETURNING ${COLUMNS}`,
      [id, now.toISOString()],
    );
    return closed ? toRow(closed) : this.find(id);
  }

  async find(id: string): Promise<ReservationRow | null> {
    const [row]: Raw[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM reservations WHERE id = $1`, [id]);
    return row ? toRow(row) : null;
  }

  /**
   * Runs in the usage batch's transaction, after its ledger rows: the charge and the end of the hold
   * commit together, so no instant counts the same call twice or not at all. A reservation id that
   * is not a uuid, unknown, another subscription's, or already closed settles nothing.
   */
  async settle(em: EntityManager, settlements: Settlement[], now: Date): Promise<number> {
    const valid = settlements.filter((s) => UUID.test(s.reservationId));
    if (valid.length === 0) return 0;
    const [rows]: [{ id: string }[], number] = await em.query(
      `UPDATE reservations r SET closed_at = $4, closed_as = 'settled', settled_event_id = x.event_id
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(id, subscription_id, event_id)
        WHERE r.id = x.id AND r.subscription_id = x.subscription_id AND r.closed_at IS NULL
        RETURNING r.id`,
      [valid.map((s) => s.reservationId), valid.map((s) => s.subscriptionId), valid.map((s) => s.eventId), now.toISOString()],
    );
    return rows.length;
  }

  /** Closes up to `limit` holds past their expiry, oldest first; they already stopped counting at expires_at. */
  async expire(now: Date, limit: number): Promise<number> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE reservations SET closed_at = expires_at, closed_as = 'expired'
        WHERE id IN (SELECT id FROM reservations WHERE closed_at IS NULL AND expires_at <= $1
                      ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND closed_at IS NULL
        RETURNING id`,
      [now.toISOString(), limit],
    );
    return rows.length;
  }

  /** Credits held on the subscription's pool at `now`, through the balance read model. */
  async heldCredits(em: EntityManager, subscriptionId: string, now: Date): Promise<number> {
    const [row]: { held: string }[] = await em.query(`SELECT ${BalanceSql.heldCredits('$1', '$2')} AS held`, [subscriptionId, now.toISOString()]);
    return heldCreditsFrom(row.held);
  }

  /** Open holds of a subscription, newest first, keyset-paginated on (created_at, id). */
  async listOpen(subscriptionId: string, now: Date, limit: number, after: [string, string] | null): Promise<ReservationRow[]> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM reservations
        WHERE subscription_id = $1 AND closed_at IS NULL AND expires_at > $2
          AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [subscriptionId, now.toISOString(), limit, after?.[0] ?? null, after?.[1] ?? null],
    );
    return rows.map(toRow);
  }
}

function toRow(r: Raw): ReservationRow {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    subscriberId: r.subscriber_id,
    model: r.model,
    credits: dbInt(r.credits, 'reservation credits'),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    closedAt: r.closed_at,
    closedAs: r.closed_as,
    settledEventId: r.settled_event_id,
  };
}
