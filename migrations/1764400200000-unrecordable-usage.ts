import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rejected usage can hold an event PostgreSQL could not store as sent (reason UNRECORDABLE): a
 * NUL character or an unpaired surrogate cannot live in jsonb, so such a body is kept as JSON
 * text with those characters escaped (`event_text`), and `event` stays null.
 */
export class UnrecordableUsage1764400200000 implements MigrationInterface {
  name = 'UnrecordableUsage1764400200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rejected_usage ALTER COLUMN event DROP NOT NULL`);
    await q.query(`ALTER TABLE rejected_usage ADD COLUMN event_text text`);
    await q.query(`ALTER TABLE rejected_usage ADD CONSTRAINT rejected_usage_body_check CHECK (event IS NOT NULL OR event_text IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM rejected_usage WHERE event IS NULL`);
    await q.query(`ALTER TABLE rejected_usage DROP CONSTRAINT rejected_usage_body_check`);
    await q.query(`ALTER TABLE rejected_usage DROP COLUMN event_text`);
    await q.query(`ALTER TABLE rejected_usage ALTER COLUMN event SET NOT NULL`);
  }
}
