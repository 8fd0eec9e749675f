import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { MIGRATIONS } from '../../migrations';
import { loadConfig } from '../../src/config/app-config';
import { createProcess } from '../../src/bootstrap';
import { eventually } from '../webhooks/receiver';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { TEST_PG_URL, TEST_REDIS_URL, databaseUrl, uniqueName } from '../support/test-env';

const newKey = () => `tpb_test_admin_${randomBytes(16).toString('hex')}`;

async function startProcess(env: Record<string, string>): Promise<INestApplication> {
  const config = loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: uniqueName('t').slice(0, 32),
    LOG_LEVEL: 'silent',
    APP_ROLE: 'api',
    ...env,
  });
  const app = (await createProcess(config)) as INestApplication;
  await app.init();
  return app;
}

describe('deployment defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a start with another ADMIN_API_KEY revokes the previous bootstrap key', async () => {
    const rotated = newKey();
    const restarted = await startProcess({ DATABASE_URL: t.config.DATABASE_URL, ADMIN_API_KEY: rotated, MIGRATIONS_RUN: 'false' });
    try {
      const whoami = (key: string) => request(restarted.getHttpServer()).get('/v1/api-keys').set(bearer(key));
      expect((await whoami(rotated)).status).toBe(200);
      expect((await whoami(t.adminKey)).status).toBe(401);
      const keys: { name: string; revoked: boolean }[] = await t.db.query(
        `SELECT name, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE bootstrap ORDER BY created_at`,
      );
      expect(keys).toEqual([
        { name: 'bootstrap-admin', revoked: true },
        { name: 'bootstrap-admin', revoked: false },
      ]);
    } finally {
      await restarted.close();
    }
  });

  it('replicas starting together migrate one at a time, under an advisory lock', async () => {
    const name = uniqueName('tpb_lock');
    const admin = new Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const holder = new Client({ connectionString: databaseUrl(name) });
    await holder.connect();
    const apps: INestApplication[] = [];
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('tpb:migrations'))`);
      const env = { DATABASE_URL: databaseUrl(name), MIGRATIONS_RUN: 'true' };
      const starting = [startProcess(env), startProcess(env)].map((p) => p.then((app) => apps.push(app)));
      const waiting = `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                       WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1`;
      await eventually(async () => (await admin.query(waiting, [name])).rows[0].n === 2);
      expect((await holder.query(`SELECT to_regclass('migrations') AS t`)).rows[0].t).toBeNull();
      await holder.query(`SELECT pg_advisory_unlock(hashtext('tpb:migrations'))`);
      await Promise.all(starting);
      const applied = (await holder.query(`SELECT name FROM migrations ORDER BY id`)).rows.map((r: { name: string }) => r.name);
      expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
    } finally {
      await Promise.all(apps.map((a) => a.close()));
      await holder.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
