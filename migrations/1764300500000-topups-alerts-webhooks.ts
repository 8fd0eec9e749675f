import { MigrationInterface, QueryRunner } from 'typeorm';

const ALERT_KINDS = `'USAGE_80', 'USAGE_100', 'BALANCE_EXHAUSTED', 'MEMBER_CAP_REACHED', 'OVERAGE_CAP_REACHED', 'TOPUP_EXPIRED_UNUSED'`;

/**
 * Top-up purchases, usage alerts and their webhook deliveries (a transactional outbox: a delivery
 * row is written in the transaction that creates its alert; the queue only carries its id).
 */
export class TopupsAlertsWebhooks1764300500000 implements MigrationInterface {
  name = 'TopupsAlertsWebhooks1764300500000';

  async up(q: QueryRunner): Promise<void> {
    await this.topups(q);
    await this.alerts(q);
    await this.webhooks(q);
  }

  private async topups(q: QueryRunner): Promise<void> {
    // The purchase id is the bucket's and the charge's source_ref: one purchase, one bucket, one charge.
    await q.query(`CREATE UNIQUE INDEX buckets_topup_source_uq ON buckets (source_ref) WHERE kind = 'topup'`);
    await q.query(`CREATE INDEX buckets_topup_unused_idx ON buckets (expires_at) WHERE kind = 'topup' AND remaining_credits = granted_credits`);
    await q.query(`
      CREATE TABLE topups (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        cycle_id uuid NOT NULL REFERENCES cycles (id),
        pack_code text NOT NULL REFERENCES packs (code),
        credits bigint NOT NULL CHECK (credits > 0),
        price_fen bigint NOT NULL CHECK (price_fen >= 0),
        bucket_id uuid NOT NULL UNIQUE REFERENCES buckets (id),
        charge_id uuid NOT NULL UNIQUE REFERENCES charges (id),
        valid_from timestamptz(3) NOT NULL,
        expires_at timestamptz(3) NOT NULL CHECK (expires_at > valid_from),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX topups_subscription_idx ON topups (subscription_id, created_at)`);
  }

  private async alerts(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        cycle_id uuid NOT NULL REFERENCES cycles (id),
        kind text NOT NULL CHECK (kind IN (${ALERT_KINDS})),
        subject text,
        data jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // Exactly one alert per (subscription, cycle, kind, subject), however many workers race or retry.
    await q.query(`CREATE UNIQUE INDEX alerts_once_uq ON alerts (subscription_id, cycle_id, kind, subject) NULLS NOT DISTINCT`);
    await q.query(`CREATE INDEX alerts_created_idx ON alerts (created_at)`);
  }

  private async webhooks(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        event_kinds text[] NOT NULL CHECK (cardinality(event_kinds) >= 1 AND event_kinds <@ ARRAY[${ALERT_KINDS}]),
        secret text NOT NULL,
        secret_prefix text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3)
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks (id),
        alert_id uuid NOT NULL REFERENCES alerts (id),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        generation int NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (alert_id, webhook_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (created_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at)`);
    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id),
        attempted_at timestamptz(3) NOT NULL,
        status_code int,
        error text,
        duration_ms int NOT NULL
      )`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['webhook_delivery_attempts', 'webhook_deliveries', 'webhooks', 'alerts', 'topups']) await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP INDEX buckets_topup_unused_idx`);
    await q.query(`DROP INDEX buckets_topup_source_uq`);
  }
}
