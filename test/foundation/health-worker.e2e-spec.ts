import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { ENSURE_LEDGER_PARTITIONS, PURGE_IDEMPOTENCY_KEYS } from '../../src/maintenance/maintenance.processor';
import { QUEUES } from '../../src/queue/queue-names';
import { redisOptionsFromUrl, bullPrefix } from '../../src/queue/redis-options';
import { startTestApp } from '../support/test-app';

/** YYYYMM of the UTC month `n` months from now (how the ledger names its partitions). */
function aheadMonth(n: number): string {
  const d = new Date();
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  return `${m.getUTCFullYear()}${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

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
      expect(schedulers.map((s) => s.key)).toEqual(expect.arrayContaining([PURGE_IDEMPOTENCY_KEYS, ENSURE_LEDGER_PARTITIONS]));
      await events.waitUntilReady();
      const job = await queue.add(PURGE_IDEMPOTENCY_KEYS, {});
      expect(await job.waitUntilFinished(events, 20000)).toEqual({ purged: 1 });
      const keys: { key: string }[] = await t.db.query('SELECT key FROM idempotency_keys');
      expect(keys.map((k) => k.key)).toEqual(['fresh']);
      // Partitions three months ahead exist after the partition job, and a rerun changes nothing.
      await t.db.query(`DROP TABLE IF EXISTS usage_ledger_${aheadMonth(3)}`);
      for (let i = 0; i < 2; i++) await (await queue.add(ENSURE_LEDGER_PARTITIONS, {})).waitUntilFinished(events, 20000);
      const [found] = await t.db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`usage_ledger_${aheadMonth(3)}`]);
      expect(found.present).toBe(true);
    } finally {
      await events.close();
      await t.close();
    }
  });
});
