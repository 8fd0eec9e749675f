import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks the API key registered from ADMIN_API_KEY, so that a start with another ADMIN_API_KEY can
 * revoke the previous one (rotating the variable must end the old key). Existing rows written by
 * the bootstrap (name and role it always used) are marked as such.
 */
export class BootstrapKeyFlag1764400500000 implements MigrationInterface {
  name = 'BootstrapKeyFlag1764400500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN bootstrap boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE api_keys SET bootstrap = true WHERE name = 'bootstrap-admin' AND role = 'admin'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN bootstrap`);
  }
}
