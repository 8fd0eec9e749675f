import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The usage ledger. Event ids are deduplicated in their own table (a unique index on a partitioned
 * table would have to include the partition key, and eventIds are unique forever, not per month).
 * The ledger itself is range-partitioned by month of occurredAt; a default partition catches any
 * month whose partition the maintenance job has not created yet, so an insert never fails for it.
 */
export class UsageLedger1764300200000 implements MigrationInterface {
  name = 'UsageLedger1764300200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE usage_event_ids (
        event_id text PRIMARY KEY,
        body_hash text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('recorded', 'rejected')),
        first_seen_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE usage_ledger (
        event_id text NOT NULL,
        occurred_at timestamptz(3) NOT NULL,
        recorded_at timestamptz(3) NOT NULL DEFAULT now(),
        subscription_id uuid NOT NULL,
        subscriber_id text NOT NULL,
        cycle_id uuid,
        model_code text NOT NULL,
        rate_id uuid NOT NULL,
        input_tokens bigint NOT NULL CHECK (input_tokens >= 0),
        output_tokens bigint NOT NULL CHECK (output_tokens >= 0),
        credits bigint NOT NULL CHECK (credits >= 0),
        bucket_credits bigint NOT NULL CHECK (bucket_credits >= 0),
        overage_credits bigint NOT NULL CHECK (overage_credits >= 0),
        unbilled_credits bigint NOT NULL CHECK (unbilled_credits >= 0),
        draws jsonb NOT NULL,
        late boolean NOT NULL,
        request_id text,
        reservation_id text,
        metadata jsonb,
        CHECK (credits = bucket_credits + overage_credits + unbilled_credits),
        PRIMARY KEY (occurred_at, event_id)
      ) PARTITION BY RANGE (occurred_at)`);
    await q.query(`CREATE TABLE usage_ledger_default PARTITION OF usage_ledger DEFAULT`);
    await q.query(`CREATE INDEX usage_ledger_subscriber_idx ON usage_ledger (subscriber_id, occurred_at)`);
    await q.query(`CREATE INDEX usage_ledger_subscription_idx ON usage_ledger (subscription_id, occurred_at)`);
    await q.query(`CREATE INDEX usage_ledger_model_idx ON usage_ledger (model_code, occurred_at)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ensure_usage_ledger_partition(month_start date) RETURNS void AS $$
      DECLARE
        part text := 'usage_ledger_' || to_char(month_start, 'YYYYMM');
      BEGIN
        IF to_regclass(part) IS NULL THEN
          EXECUTE format(
            'CREATE TABLE %I PARTITION OF usage_ledger FOR VALUES FROM (%L) TO (%L)',
            part, (month_start::timestamp AT TIME ZONE 'UTC'), ((month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
        END IF;
      END $$ LANGUAGE plpgsql`);
    await q.query(`
      SELECT ensure_usage_ledger_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date)
      FROM generate_series(-4, 3) AS m`);
    await q.query(`
      CREATE TABLE rejected_usage (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id text NOT NULL,
        body_hash text NOT NULL,
        subscriber_id text,
        reason text NOT NULL,
        event jsonb NOT NULL,
        received_at timestamptz(3) NOT NULL DEFAULT now(),
        retried_at timestamptz(3),
        retry_outcome text,
        UNIQUE (event_id, body_hash)
      )`);
    await q.query(`CREATE INDEX rejected_usage_reason_idx ON rejected_usage (reason, received_at)`);
    await q.query(`CREATE INDEX rejected_usage_subscriber_idx ON rejected_usage (subscriber_id, received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rejected_usage`);
    await q.query(`DROP TABLE usage_ledger`);
    await q.query(`DROP FUNCTION ensure_usage_ledger_partition(date)`);
    await q.query(`DROP TABLE usage_event_ids`);
  }
}
