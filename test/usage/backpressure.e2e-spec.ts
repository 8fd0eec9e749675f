import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QUEUES } from '../../src/queue/queue-names';
import { USAGE_BATCH_JOB } from '../../src/usage/usage-job';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { OwnRedis, startOwnRedis } from '../support/redis-server';
import { event } from '../support/usage';

const queuedEventIds = async (queue: Queue): Promise<Set<string>> => {
  const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
  return new Set(jobs.flatMap((j) => (j.data.events as { eventId: string }[]).map((e) => e.eventId)));
};

/** §15: the ingest path is bounded, and authorization answers whatever ingest does. */
describe('ingest backpressure', () => {
  describe('past the backlog bound', () => {
    let t: TestApp;
    let queue: Queue;
    let gateway: string;
    const who = '8613700000001';
    const post = (events: object[]) => t.http().post('/v1/usage-events').set(bearer(gateway)).send({ events });

    beforeAll(async () => {
      // An API process without workers: what it enqueues stays waiting.
      t = await startTestApp({ APP_ROLE: 'api', USAGE_MAX_WAITING_JOBS: '3', USAGE_LINGER_MS: '0', USAGE_BACKLOG_CACHE_MS: '0' });
      queue = t.app.get<Queue>(getQueueToken(QUEUES.usageEvents));
      gateway = await t.keyFor('gateway');
      await createModel(t, 'm1');
      await createPlan(t, { code: 'solo' });
      await subscribe(t, await createAccount(t), 'solo', [{ subscriberId: who }]);
    });
    afterAll(() => t.close());
    beforeEach(() => queue.drain());

    it('answers 429 with Retry-After once the waiting jobs reach the bound, and accepts none of that request', async () => {
      for (let i = 0; i < 3; i++) expect((await post([event(who, 'm1', 1, 1)])).status).toBe(202);
      const refused = [event(who, 'm1', 1, 1), event(who, 'm1', 2, 2)];
      const res = await post(refused);
      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      const queued = await queuedEventIds(queue);
      expect(refused.filter((e) => queued.has(e.eventId))).toEqual([]);
      expect(await queue.getWaitingCount()).toBe(3);
    });

    it('answers 429 while the oldest waiting job is older than the age bound', async () => {
      // As a direct producer's job that has waited a minute (the bound is 30 s by default).
      await queue.add(USAGE_BATCH_JOB, { events: [event(who, 'm1', 1, 1)] }, { timestamp: Date.now() - 60_000 });
      const refused = event(who, 'm1', 1, 1);
      const res = await post([refused]);
      expect(res.status).toBe(429);
      expect((await queuedEventIds(queue)).has(refused.eventId)).toBe(false);
    });

    it('authorization keeps answering while ingest refuses', async () => {
      for (let i = 0; i < 3; i++) await post([event(who, 'm1', 1, 1)]);
      expect((await post([event(who, 'm1', 1, 1)])).status).toBe(429);
      const res = await t.http().post('/v1/authorize').set(bearer(gateway)).send({ subscriberId: who, model: 'm1' });
      expect([res.status, res.body.allowed]).toEqual([200, true]);
    });
  });

  describe('with Redis unreachable', () => {
    let redis: OwnRedis;
    let t: TestApp;
    let gateway: string;
    const who = '8613700000002';

    beforeAll(async () => {
      redis = await startOwnRedis();
      t = await startTestApp({ APP_ROLE: 'api', REDIS_URL: redis.url, USAGE_ENQUEUE_TIMEOUT_MS: '1000' });
      gateway = await t.keyFor('gateway');
      await createModel(t, 'm1');
      await createPlan(t, { code: 'solo' });
      await subscribe(t, await createAccount(t), 'solo', [{ subscriberId: who }]);
    });
    afterAll(async () => {
      await redis.restart().catch(() => undefined);
      await t.close();
      await redis.stop();
    });

    it('answers 503 within the enqueue timeout, accepts nothing, and authorization still answers', async () => {
      expect(
        (
          await t
            .http()
            .post('/v1/usage-events')
            .set(bearer(gateway))
            .send({ events: [event(who, 'm1', 1, 1)] })
        ).status,
      ).toBe(202);
      await redis.kill();
      const refused = event(who, 'm1', 5, 5);
      const started = Date.now();
      const res = await t
        .http()
        .post('/v1/usage-events')
        .set(bearer(gateway))
        .send({ events: [refused] });
      // The bound is USAGE_ENQUEUE_TIMEOUT_MS (1 s); a disconnected Redis fails at once. Generous margin for a loaded machine.
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.status).toBe(503);
      const auth = await t.http().post('/v1/authorize').set(bearer(gateway)).send({ subscriberId: who, model: 'm1' });
      expect(auth.status).toBe(200);
      await redis.restart();
      const queue = t.app.get<Queue>(getQueueToken(QUEUES.usageEvents));
      expect((await queuedEventIds(queue)).has(refused.eventId)).toBe(false);
    });
  });
});
