import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { PURGE_IDEMPOTENCY_KEYS } from '../../src/maintenance/maintenance.processor';
import { QUEUES } from '../../src/queue/queue-names';
import { redisOptionsFromUrl, bullPrefix } from '../../src/queue/redis-options';
import { startTestApp } from '../support/test-app';

describe('health and the worker role', () => {
  it('reports PostgreSQL and Redis up', async () => {
    const t = await startTestApp();
    try {
      const res = await t.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming Redis when Redis is unreachable', async () => {
    const t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', APP_ROLE: 'api' });
    try {
      const res = await t.http().get('/health');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.checks).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'down' } });
    } finally {
      await t.close();
    }
  });

  it('registers the maintenance schedule and its worker purges expired idempotency keys', async () => {
    const t = await startTestApp();
    const events = new QueueEvents(QUEUES.maintenance, {
      connection: redisOptionsFromUrl(t.config.REDIS_URL),
      prefix: bullPrefix(t.config.REDIS_PREFIX),
    });
    try {
      await t.db.query(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) VALUES
         ('s', 'old', 'f', now() - interval '30 days'), ('s', 'fresh', 'f', now())`,
      );
      const queue = t.app.get<Queue>(getQueueToken(QUEUES.maintenance));
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toContain(PURGE_IDEMPOTENCY_KEYS);
      await events.waitUntilReady();
      const job = await queue.add(PURGE_IDEMPOTENCY_KEYS, {});
      expect(await job.waitUntilFinished(events, 20000)).toEqual({ purged: 1 });
      const keys: { key: string }[] = await t.db.query('SELECT key FROM idempotency_keys');
      expect(keys.map((k) => k.key)).toEqual(['fresh']);
    } finally {
      await events.close();
      await t.close();
    }
  });
});
