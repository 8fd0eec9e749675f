import { MigrationInterface, QueryRunner } from 'typeorm';

export class Charges1764300400000 implements MigrationInterface {
  name = 'Charges1764300400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE charges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        account_id uuid NOT NULL REFERENCES accounts (id),
        account_external_ref text NOT NULL,
        subscription_id uuid REFERENCES subscriptions (id),
        cycle_id uuid REFERENCES cycles (id),
        billing_period text NOT NULL CHECK (billing_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        type text NOT NULL CHECK (type IN ('RECURRING', 'OVERAGE', 'TOPUP', 'ADJUSTMENT')),
        description text NOT NULL,
        quantity bigint,
        amount_fen bigint NOT NULL,
        tax_rate_bp int NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
        tax_fen bigint NOT NULL,
        currency text NOT NULL DEFAULT 'CNY',
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'EXPORTED', 'ACCEPTED', 'REJECTED')),
        rejection_reason text,
        settlement_batch_id uuid,
        source_ref text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((type IN ('RECURRING', 'OVERAGE')) = (cycle_id IS NOT NULL)),
        CHECK (type <> 'ADJUSTMENT' OR amount_fen <> 0)
      )`);
    // One charge per (cycle, type): a bill run redone after a crash cannot charge a cycle twice.
    await q.query(`CREATE UNIQUE INDEX charges_cycle_type_uq ON charges (cycle_id, type) WHERE cycle_id IS NOT NULL`);
    // A top-up purchase (or any other source) produces at most one charge.
    await q.query(`CREATE UNIQUE INDEX charges_source_uq ON charges (type, source_ref) WHERE source_ref IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX charges_seq_uq ON charges (seq)`);
    await q.query(`CREATE INDEX charges_pending_idx ON charges (seq) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX charges_account_period_idx ON charges (account_id, billing_period)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE charges`);
  }
}
