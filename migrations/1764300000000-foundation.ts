import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764300000000 implements MigrationInterface {
  name = 'Foundation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL,
        secret_prefix text NOT NULL,
        secret_hash text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        revoked_at timestamptz(3)
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_secret_hash_uq ON api_keys (secret_hash)`);
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz(3) NOT NULL,
        actor_key_id uuid,
        actor_name text NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text,
        changes jsonb NOT NULL,
        request_id text
      )`);
    await q.query(`CREATE UNIQUE INDEX audit_log_seq_uq ON audit_log (seq)`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC)`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        status_code int,
        response jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE api_keys`);
  }
}
