import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pre-aggregated usage for provider statements: append-only parts, one per (model, rate version,
 * period) of each usage batch, written in the batch's own transaction; a scheduled compaction folds
 * the parts of one key into one row. A statement then sums the parts of its period instead of a
 * month of ledger rows. No row is ever updated, so concurrent usage workers never wait on a shared
 * counter row. Like the ledger, no foreign keys to the catalogue: every usage transaction would
 * take a key-share lock on the same few model and rate rows (the verifier checks the parts instead).
 */
export class ProviderUsageParts1764500200000 implements MigrationInterface {
  name = 'ProviderUsageParts1764500200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_usage_parts (
        seq bigserial PRIMARY KEY,
        model_code text NOT NULL,
        rate_id uuid NOT NULL,
        period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        requests bigint NOT NULL CHECK (requests > 0),
        input_tokens bigint NOT NULL CHECK (input_tokens >= 0),
        output_tokens bigint NOT NULL CHECK (output_tokens >= 0)
      )`);
    await q.query(`CREATE INDEX provider_usage_parts_period_idx ON provider_usage_parts (period, model_code, rate_id)`);
    // Backfill from the ledger as it stands. The app attributes periods with billing-rules in
    // TypeScript (periodOf / periodsSpanning); this one-off uses PostgreSQL's own time-zone rule for
    // the same IANA zone, acceptable once here (and checked afterwards by the verifier's
    // provider-usage reconciliation, which buckets by the TypeScript rule).
    const tz = process.env.BILLING_TZ ?? 'Asia/Shanghai'; // the default of AppConfig.BILLING_TZ
    await q.query(
      `INSERT INTO provider_usage_parts (model_code, rate_id, period, requests, input_tokens, output_tokens)
       SELECT model_code, rate_id, to_char(occurred_at AT TIME ZONE $1, 'YYYY-MM'), count(*), sum(input_tokens), sum(output_tokens)
       FROM usage_ledger GROUP BY 1, 2, 3`,
      [tz],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provider_usage_parts`);
  }
}
