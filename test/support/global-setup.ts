import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { TEMPLATE_DB_ENV, TEST_PG_URL, databaseUrl, uniqueName } from './test-env';

/**
 * Migrates one template database per test run; every test file clones it with
 * CREATE DATABASE … TEMPLATE, so files are isolated and never see each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const name = uniqueName('tpb_tmpl');
  const admin = new Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const ds = new DataSource(dataSourceOptions({ DATABASE_URL: databaseUrl(name) }));
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  process.env[TEMPLATE_DB_ENV] = name;
}
