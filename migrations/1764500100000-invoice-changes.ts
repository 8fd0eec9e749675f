import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An invoice's `updatedAt` becomes a stored, indexed fact instead of something recomputed for every
 * invoice on every list request.
 *
 * - `invoices.period_end_at`: the instant the billing period ends (in the billing time zone). The
 *   application registers an invoice together with the first charge of its account and period
 *   (ChargeWriter), so the period end comes from billing-rules; the SQL below is used once, to
 *   backfill rows registered before this migration, with the configured BILLING_TZ.
 * - The old trigger that registered invoices after the fact goes: ChargeWriter registers them in
 *   the statement that inserts the charges. No foreign key from charges to invoices: its per-row
 *   check and row lock cost the bill run more than the rest of this change together, and the
 *   verifier reports a charge whose invoice is not registered.
 * - `invoice_changes`: an append-only log of the instants an invoice changed. Triggers write it, so
 *   no writer of charges or cycles can forget it: a charge inserted or updated (its updated_at), a
 *   cycle of the account in the period created or rated (created_at, rated_at), and the invoice's
 *   registration (the period end when it is still to come, a future instant that becomes visible
 *   once it has passed, and a cycle stamp from before the invoice existed when later than its
 *   first charges). The log is insert-only: no writer ever waits on
 *   another's row lock, so concurrent bill-run slices and settlement cannot deadlock on it.
 *
 * An invoice's updatedAt at instant T is the latest change with at <= T; the invoice list pages over
 * the log by (at, invoice_id), keeping only each invoice's latest visible change. A maintenance job
 * deletes superseded changes (InvoiceChangeLog.prune), so the log stays about one row per invoice.
 */
export class InvoiceChanges1764500100000 implements MigrationInterface {
  name = 'InvoiceChanges1764500100000';

  async up(q: QueryRunner): Promise<void> {
    const tz = process.env.BILLING_TZ || 'Asia/Shanghai';
    await q.query(`ALTER TABLE invoices ADD COLUMN period_end_at timestamptz(3)`);
    await q.query(`UPDATE invoices SET period_end_at = ((to_date(billing_period, 'YYYY-MM') + interval '1 month')::timestamp AT TIME ZONE $1)`, [tz]);
    await q.query(`ALTER TABLE invoices ALTER COLUMN period_end_at SET NOT NULL`);

    await q.query(`DROP TRIGGER charges_register_invoices ON charges`);
    await q.query(`DROP FUNCTION register_invoices()`);

    await q.query(`
      CREATE TABLE invoice_changes (
        seq bigserial PRIMARY KEY,
        -- No foreign key: only triggers write it, with ids they join from invoices (never deleted),
        -- and a key check per entry was a third of the bill run's cost of the log.
        invoice_id uuid NOT NULL,
        billing_period text NOT NULL,
        at timestamptz(3) NOT NULL
      )`);
    // The feed (every invoice, or one period's), and "is there a later change of this invoice".
    await q.query(`CREATE INDEX invoice_changes_feed_idx ON invoice_changes (at, invoice_id)`);
    await q.query(`CREATE INDEX invoice_changes_period_feed_idx ON invoice_changes (billing_period, at, invoice_id)`);
    await q.query(`CREATE INDEX invoice_changes_latest_idx ON invoice_changes (invoice_id, at, seq)`);
    // How far the pruning job has looked: changes visible by then have had their superseded rows removed.
    await q.query(`
      CREATE TABLE invoice_change_pruning (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        pruned_to timestamptz(3) NOT NULL
      )`);
    await q.query(`INSERT INTO invoice_change_pruning (pruned_to) VALUES ('-infinity')`);

    // At registration, the invoice's first charges are already in (same statement) and the charges
    // trigger logs them; what may be later than them is its period end (still to come) and, when
    // clocks differ, a cycle stamp of its account from before the invoice existed. Only those are
    // logged, so a bill run, whose invoices are registered after their period and their cycles'
    // rating, writes one entry per invoice, not three.
    await q.query(`
      CREATE FUNCTION log_registered_invoices() RETURNS trigger AS $$
      BEGIN
        INSERT INTO invoice_changes (invoice_id, billing_period, at)
        SELECT y.id, y.billing_period, x.at
        FROM (
          SELECT n.id, n.billing_period, n.period_end_at,
            (SELECT max(c.updated_at) FROM charges c WHERE c.account_id = n.account_id AND c.billing_period = n.billing_period) AS charged_at,
            (SELECT max(greatest(c.created_at, c.rated_at)) FROM subscriptions s JOIN cycles c ON c.subscription_id = s.id
              WHERE s.account_id = n.account_id AND c.period = n.billing_period) AS cycled_at
          FROM new_invoices n) y
        CROSS JOIN LATERAL (VALUES (y.period_end_at), (y.cycled_at)) AS x(at)
        WHERE x.at > coalesce(y.charged_at, '-infinity');
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    await q.query(`
      CREATE TRIGGER invoices_log_registration AFTER INSERT ON invoices
      REFERENCING NEW TABLE AS new_invoices FOR EACH STATEMENT EXECUTE FUNCTION log_registered_invoices()`);

    await q.query(`
      CREATE FUNCTION log_charge_changes() RETURNS trigger AS $$
      BEGIN
        INSERT INTO invoice_changes (invoice_id, billing_period, at)
        SELECT i.id, i.billing_period, max(n.updated_at)
        FROM new_charges n JOIN invoices i ON i.account_id = n.account_id AND i.billing_period = n.billing_period
        GROUP BY i.id, i.billing_period;
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    for (const op of ['INSERT', 'UPDATE']) {
      await q.query(`
        CREATE TRIGGER charges_log_${op.toLowerCase()} AFTER ${op} ON charges
        REFERENCING NEW TABLE AS new_charges FOR EACH STATEMENT EXECUTE FUNCTION log_charge_changes()`);
    }

    // A new cycle can turn a final invoice open again (a subscription backdated into the period).
    await q.query(`
      CREATE FUNCTION log_cycle_openings() RETURNS trigger AS $$
      BEGIN
        INSERT INTO invoice_changes (invoice_id, billing_period, at)
        SELECT i.id, i.billing_period, max(n.created_at)
        FROM new_cycles n JOIN subscriptions s ON s.id = n.subscription_id
        JOIN invoices i ON i.account_id = s.account_id AND i.billing_period = n.period
        GROUP BY i.id, i.billing_period;
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    await q.query(`
      CREATE TRIGGER cycles_log_openings AFTER INSERT ON cycles
      REFERENCING NEW TABLE AS new_cycles FOR EACH STATEMENT EXECUTE FUNCTION log_cycle_openings()`);
    // Rating a cycle can make its invoice final. A row trigger limited to rated_at, so the usage path's
    // frequent updates of a cycle's counters never run it (nor capture transition tables).
    await q.query(`
      CREATE FUNCTION log_cycle_rating() RETURNS trigger AS $$
      BEGIN
        INSERT INTO invoice_changes (invoice_id, billing_period, at)
        SELECT i.id, i.billing_period, NEW.rated_at
        FROM subscriptions s JOIN invoices i ON i.account_id = s.account_id AND i.billing_period = NEW.period
        WHERE s.id = NEW.subscription_id;
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    await q.query(`
      CREATE TRIGGER cycles_log_rating AFTER UPDATE OF rated_at ON cycles
      FOR EACH ROW WHEN (NEW.rated_at IS NOT NULL AND NEW.rated_at IS DISTINCT FROM OLD.rated_at) EXECUTE FUNCTION log_cycle_rating()`);

    // Invoices registered before this migration: their period end, and their latest change as it was
    // computed on read until now (latest line update, latest cycle created or rated).
    await q.query(`
      INSERT INTO invoice_changes (invoice_id, billing_period, at)
      SELECT i.id, i.billing_period, i.period_end_at FROM invoices i
      UNION ALL
      SELECT i.id, i.billing_period, x.at FROM invoices i
      CROSS JOIN LATERAL (
        SELECT greatest(
          (SELECT max(c.updated_at) FROM charges c WHERE c.account_id = i.account_id AND c.billing_period = i.billing_period),
          (SELECT max(greatest(c.created_at, c.rated_at)) FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id
            WHERE s.account_id = i.account_id AND c.period = i.billing_period)) AS at) x
      WHERE x.at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER cycles_log_rating ON cycles`);
    await q.query(`DROP TRIGGER cycles_log_openings ON cycles`);
    await q.query(`DROP TRIGGER charges_log_update ON charges`);
    await q.query(`DROP TRIGGER charges_log_insert ON charges`);
    await q.query(`DROP TRIGGER invoices_log_registration ON invoices`);
    await q.query(`DROP FUNCTION log_cycle_rating()`);
    await q.query(`DROP FUNCTION log_cycle_openings()`);
    await q.query(`DROP FUNCTION log_charge_changes()`);
    await q.query(`DROP FUNCTION log_registered_invoices()`);
    await q.query(`DROP TABLE invoice_change_pruning`);
    await q.query(`DROP TABLE invoice_changes`);
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
    await q.query(`ALTER TABLE invoices DROP COLUMN period_end_at`);
  }
}
