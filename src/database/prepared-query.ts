import { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs `text` as a named prepared statement: each connection parses and plans it once and reuses
 * the plan, where TypeORM's unnamed statements are planned on every call. For the per-call
 * statements of the hot paths only (authorization), where planning cost more than executing.
 * With an EntityManager it runs on that manager's connection (inside its transaction).
 */
export async function preparedQuery<T>(target: DataSource | EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  if (target instanceof DataSource) {
    const pool = (target.driver as PostgresDriver).master as Pool;
    return (await pool.query({ name, text, values })).rows as T[];
  }
  const runner = target.queryRunner;
  if (!runner) return target.query(text, values);
  const client = (await runner.connect()) as PoolClient;
  return (await client.query({ name, text, values })).rows as T[];
}
