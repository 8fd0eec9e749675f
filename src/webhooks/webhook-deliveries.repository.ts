import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AlertKind } from '../alerts/alert-kinds';
import { DeliveryRef } from './delivery-jobs';
import { DeliveryStatus } from './entities/webhook-delivery.entity';
import { SendOutcome } from './webhook-sender';

/** What one attempt needs: the delivery's state, where to send, the key to sign with, and the alert. */
export interface DeliveryTarget {
  status: DeliveryStatus;
  generation: number;
  url: string;
  secret: string;
  webhookDeletedAt: Date | null;
  alert: { id: string; kind: AlertKind; subscriptionId: string; cycleId: string; subject: string | null; createdAt: string; data: unknown };
}

/** SQL of webhook_deliveries and their attempts. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One delivery per live webhook subscribed to each alert's kind; returns the new ones. */
  async insertForAlerts(em: EntityManager, alertIds: string[]): Promise<DeliveryRef[]> {
    if (alertIds.length === 0) return [];
    return em.query(
      `INSERT INTO webhook_deliveries (webhook_id, alert_id)
       SELECT w.id, a.id FROM alerts a JOIN webhooks w ON a.kind = ANY (w.event_kinds) AND w.deleted_at IS NULL
        WHERE a.id = ANY ($1::uuid[])
        ORDER BY a.id, w.id
       ON CONFLICT (alert_id, webhook_id) DO NOTHING RETURNING id, generation`,
      [alertIds],
    );
  }

  async pending(limit: number): Promise<DeliveryRef[]> {
    return this.dataSource.query(`SELECT id, generation FROM webhook_deliveries WHERE status = 'pending' ORDER BY created_at LIMIT $1`, [limit]);
  }

  async target(id: string): Promise<DeliveryTarget | null> {
    const rows: TargetRow[] = await this.dataSource.query(
      `SELECT d.status, d.generation, w.url, w.secret, w.deleted_at,
              a.id AS alert_id, a.kind, a.subscription_id, a.cycle_id, a.subject, a.created_at, a.data
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN alerts a ON a.id = d.alert_id
        WHERE d.id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      status: r.status,
      generation: r.generation,
      url: r.url,
      secret: r.secret,
      webhookDeletedAt: r.deleted_at,
      alert: {
        id: r.alert_id,
        kind: r.kind,
        subscriptionId: r.subscription_id,
        cycleId: r.cycle_id,
        subject: r.subject,
        createdAt: new Date(r.created_at).toISOString(),
        data: r.data,
      },
    };
  }

  /** Records the attempt and moves the delivery on, in one statement; a stale generation changes no status. */
  async recordAttempt(ref: DeliveryRef, at: Date, outcome: SendOutcome, status: DeliveryStatus): Promise<void> {
    await this.dataSource.query(
      `WITH attempt AS (
         INSERT INTO webhook_delivery_attempts (delivery_id, attempted_at, status_code, error, duration_ms)
         VALUES ($1, $3, $4, $5, $6))
       UPDATE webhook_deliveries SET status = $7, updated_at = now()
        WHERE id = $1 AND generation = $2 AND status = 'pending'`,
      [ref.id, ref.generation, at.toISOString(), outcome.statusCode, outcome.error, outcome.durationMs, status],
    );
  }

  /** Locks a delivery for a replay; null when it does not exist. */
  async lockForReplay(em: EntityManager, id: string): Promise<{ status: DeliveryStatus; webhookDeletedAt: Date | null } | null> {
    const rows: { status: DeliveryStatus; deleted_at: Date | null }[] = await em.query(
      `SELECT d.status, w.deleted_at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1 FOR UPDATE OF d`,
      [id],
    );
    return rows[0] ? { status: rows[0].status, webhookDeletedAt: rows[0].deleted_at } : null;
  }

  async startNextGeneration(em: EntityManager, id: string): Promise<DeliveryRef> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows]: [DeliveryRef[], number] = await em.query(
      `UPDATE webhook_deliveries SET status = 'pending', generation = generation + 1, updated_at = now()
        WHERE id = $1 RETURNING id, generation`,
      [id],
    );
    return rows[0];
  }
}

interface TargetRow {
  status: DeliveryTarget['status'];
  generation: number;
  url: string;
  secret: string;
  deleted_at: Date | null;
  alert_id: string;
  kind: DeliveryTarget['alert']['kind'];
  subscription_id: string;
  cycle_id: string;
  subject: string | null;
  created_at: Date;
  data: DeliveryTarget['alert']['data'];
}
