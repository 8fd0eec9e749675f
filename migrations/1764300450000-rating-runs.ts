import { MigrationInterface, QueryRunner } from 'typeorm';

export class RatingRuns1764300450000 implements MigrationInterface {
  name = 'RatingRuns1764300450000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rating_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        period_end timestamptz(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        total int NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        started_at timestamptz(3),
        finished_at timestamptz(3)
      )`);
    // Progress lives on the chunks, one row per chunk job, so parallel workers never contend on
    // one counter row; the run's figures are their sums.
    await q.query(`
      CREATE TABLE rating_run_chunks (
        run_id uuid NOT NULL REFERENCES rating_runs (id),
        chunk_no int NOT NULL,
        subscription_ids uuid[] NOT NULL,
        done_count int NOT NULL DEFAULT 0,
        recurring_count int NOT NULL DEFAULT 0,
        overage_count int NOT NULL DEFAULT 0,
        amount_fen bigint NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
        PRIMARY KEY (run_id, chunk_no)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rating_run_chunks`);
    await q.query(`DROP TABLE rating_runs`);
  }
}
