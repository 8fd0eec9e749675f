import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settlement batches with the charge invariants they rely on, and the invoice registry.
 *
 * Invoices are computed on read; the registry only gives each (account, period) a stable id. It is
 * filled by a statement-level trigger on charges, so every writer of charges registers invoices
 * without knowing about them, and an insert of a million charges costs one INSERT … SELECT.
 */
export class Settlement1764300600000 implements MigrationInterface {
  name = 'Settlement1764300600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE settlement_batches (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('preparing', 'ready', 'acknowledged')),
        record_count int NOT NULL DEFAULT 0 CHECK (record_count >= 0),
        total_amount_fen bigint NOT NULL DEFAULT 0,
        file_name text NOT NULL UNIQUE,
        sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        accepted_count int,
        rejected_count int,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        ready_at timestamptz(3),
        acknowledged_at timestamptz(3),
        CHECK ((status = 'preparing') = (sha256 IS NULL))
      )`);
    // At most one batch is being prepared: a second concurrent run cannot start another.
    await q.query(`CREATE UNIQUE INDEX settlement_batches_one_preparing_uq ON settlement_batches ((true)) WHERE status = 'preparing'`);
    await q.query(`CREATE INDEX settlement_batches_created_idx ON settlement_batches (created_at, id)`);
    await q.query(`
      ALTER TABLE charges
        ADD CONSTRAINT charges_settlement_batch_fk FOREIGN KEY (settlement_batch_id) REFERENCES settlement_batches (id),
        ADD CONSTRAINT charges_batch_iff_not_pending CHECK ((status = 'PENDING') = (settlement_batch_id IS NULL)),
        ADD CONSTRAINT charges_reason_iff_rejected CHECK ((status = 'REJECTED') = (rejection_reason IS NOT NULL))`);
    // The export streams a batch in seq order by keyset; without seq in the index every chunk would sort the batch.
    await q.query(`CREATE INDEX charges_batch_seq_idx ON charges (settlement_batch_id, seq) WHERE settlement_batch_id IS NOT NULL`);
    await this.invoiceRegistry(q);
  }

  private async invoiceRegistry(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts (id),
        billing_period text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (account_id, billing_period)
      )`);
    await q.query(`CREATE INDEX invoices_period_idx ON invoices (billing_period)`);
    await q.query(`
      CREATE FUNCTION register_invoices() RETURNS trigger AS $$
      BEGIN
        INSERT INTO invoices (account_id, billing_period)
        SELECT DISTINCT account_id, billing_period FROM new_charges
        ON CONFLICT (account_id, billing_period) DO NOTHING;
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    await q.query(`
      CREATE TRIGGER charges_register_invoices AFTER INSERT ON charges
      REFERENCING NEW TABLE AS new_charges FOR EACH STATEMENT EXECUTE FUNCTION register_invoices()`);
    await q.query(`INSERT INTO invoices (account_id, billing_period) SELECT DISTINCT account_id, billing_period FROM charges`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER charges_register_invoices ON charges`);
    await q.query(`DROP FUNCTION register_invoices()`);
    await q.query(`DROP TABLE invoices`);
    await q.query(`DROP INDEX charges_batch_seq_idx`);
    await q.query(`
      ALTER TABLE charges
        DROP CONSTRAINT charges_reason_iff_rejected,
        DROP CONSTRAINT charges_batch_iff_not_pending,
        DROP CONSTRAINT charges_settlement_batch_fk`);
    await q.query(`DROP TABLE settlement_batches`);
  }
}
