import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { COMPACT_PROVIDER_USAGE, ENSURE_LEDGER_PARTITIONS, PRUNE_INVOICE_CHANGES, PURGE_IDEMPOTENCY_KEYS } from '../../src/maintenance/maintenance.processor';
import { QUEUES } from '../../src/queue/queue-names';
import { redisOptionsFromUrl, bullPrefix } from '../../src/queue/redis-options';
import { startTestApp } from '../support/test-app';
import { JobSchedulerRegistry } from '../../src/queue/job-scheduler-registry';
import { RATING_JOBS } from '../../src/rating/rating-run.service';
import { SETTLEMENT_NIGHTLY } from '../../src/settlement/settlement.processor';

/** Polls until `probe` returns true or the deadline passes (a bound, not a timing assertion). */
async function eventually(probe: () => Promise<boolean>, deadlineMs = 15000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return probe();
}

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
      expect(res.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' }, schedules: { status: 'up' } });
    } finally {
      await t.close();
    }
  });

  it('has every job scheduler registered by the time the process is ready', async () => {
    const t = await startTestApp();
    try {
      const ids = async (queue: string) => (await t.app.get<Queue>(getQueueToken(queue)).getJobSchedulers()).map((s) => s.key).sort();
      expect(await ids(QUEUES.rating)).toEqual([RATING_JOBS.monthly, RATING_JOBS.resume].sort());
      expect(await ids(QUEUES.settlement)).toEqual([SETTLEMENT_NIGHTLY]);
      expect(await ids(QUEUES.maintenance)).toEqual([COMPACT_PROVIDER_USAGE, ENSURE_LEDGER_PARTITIONS, PRUNE_INVOICE_CHANGES, PURGE_IDEMPOTENCY_KEYS].sort());
      expect(t.app.get(JobSchedulerRegistry).status().missing).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('re-creates job schedulers that Redis lost, without a restart', async () => {
    const t = await startTestApp({ SCHEDULE_CHECK_INTERVAL_MS: '0' });
    try {
      const rating = t.app.get<Queue>(getQueueToken(QUEUES.rating));
      const settlement = t.app.get<Queue>(getQueueToken(QUEUES.settlement));
      // Redis restarted empty: the schedulers are gone.
      await rating.removeJobScheduler(RATING_JOBS.monthly);
      await settlement.removeJobScheduler(SETTLEMENT_NIGHTLY);
      expect(await rating.getJobScheduler(RATING_JOBS.monthly)).toBeFalsy();

      const registry = t.app.get(JobSchedulerRegistry);
      const restored = await registry.check();
      expect(restored.sort()).toEqual([`${QUEUES.rating}/${RATING_JOBS.monthly}`, `${QUEUES.settlement}/${SETTLEMENT_NIGHTLY}`].sort());
      expect((await rating.getJobScheduler(RATING_JOBS.monthly))?.pattern).toBe('5 0 1 * *');
      expect((await settlement.getJobScheduler(SETTLEMENT_NIGHTLY))?.pattern).toBe('0 2 * * *');
      expect(registry.status().missing).toEqual([]);
      expect(await registry.check()).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('checks its schedulers periodically on its own', async () => {
    const t = await startTestApp({ SCHEDULE_CHECK_INTERVAL_MS: '200' });
    try {
      const settlement = t.app.get<Queue>(getQueueToken(QUEUES.settlement));
      await settlement.removeJobScheduler(SETTLEMENT_NIGHTLY);
      expect(await eventually(async () => Boolean(await settlement.getJobScheduler(SETTLEMENT_NIGHTLY)))).toBe(true);
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
