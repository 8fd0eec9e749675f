import { Client } from 'pg';
import { TEMPLATE_DB_ENV, TEST_PG_URL, databaseUrl, uniqueName } from './test-env';

async function withAdmin<T>(run: (c: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

/** A fresh, migrated database of this test file's own, cloned from the run's template. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const template = process.env[TEMPLATE_DB_ENV];
  if (!template) throw new Error(`${TEMPLATE_DB_ENV} is not set: run integration tests through jest's global setup`);
  const name = uniqueName('tpb_test');
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const drop = () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  return { name, url: databaseUrl(name), drop };
}
