import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { createProcess } from '../../src/bootstrap';
import { bullPrefix } from '../../src/queue/redis-options';
import { createTestDatabase } from './test-database';
import { TEST_REDIS_URL, uniqueName } from './test-env';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  db: DataSource;
  adminKey: string;
  http: () => ReturnType<typeof request>;
  /** Creates a key through the API and returns its secret. */
  keyFor: (role: string) => Promise<string>;
  close: () => Promise<void>;
}

/**
 * Boots the real Nest application on its own database and its own Redis key prefix.
 * Nothing is mocked: the app talks to PostgreSQL and Redis over real connections.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const adminKey = `tpb_test_admin_${randomBytes(16).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: uniqueName('t').slice(0, 32),
    ADMIN_API_KEY: adminKey,
    MIGRATIONS_RUN: 'false',
    LOG_LEVEL: 'silent',
    APP_ROLE: 'all',
    ...env,
  });
  const app = (await createProcess(config)) as INestApplication;
  await app.init();
  const http = () => request(app.getHttpServer());
  const keyFor = async (role: string) => {
    const res = await http()
      .post('/v1/api-keys')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ name: `k-${role}`, role });
    if (res.status !== 201) throw new Error(`could not create key for ${role}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.secret as string;
  };
  const close = async () => {
    await app.close();
    await purgeRedisPrefix(config.REDIS_URL, bullPrefix(config.REDIS_PREFIX));
    await database.drop();
  };
  return { app, config, db: app.get(DataSource), adminKey, http, keyFor, close };
}

export async function purgeRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    /* Redis unreachable (a test of exactly that): nothing to purge */
  } finally {
    redis.disconnect();
  }
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
