import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The large lists page by (created_at, id), newest first; without an index in that order every page
 * sorted the whole table, so a page of charges cost more with every month billed. These make a page
 * an index walk from the cursor. The small lists (keys, rating runs, batches, webhooks) and those
 * already served by an index (deliveries per webhook, audit by seq) are left as they are.
 */
const INDEXES = [
  ['charges_created_idx', 'charges'],
  ['accounts_created_idx', 'accounts'],
  ['subscriptions_created_idx', 'subscriptions'],
  ['topups_created_idx', 'topups'],
  ['alerts_created_id_idx', 'alerts'],
] as const;

export class ListOrderIndexes1764500300000 implements MigrationInterface {
  name = 'ListOrderIndexes1764500300000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, table] of INDEXES) await q.query(`CREATE INDEX ${name} ON ${table} (created_at, id)`);
    // Superseded by alerts_created_id_idx, which also orders ties.
    await q.query(`DROP INDEX alerts_created_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX alerts_created_idx ON alerts (created_at)`);
    for (const [name] of INDEXES) await q.query(`DROP INDEX ${name}`);
  }
}
