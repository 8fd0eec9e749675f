import { AddressInfo } from 'node:net';
import { TestApp, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { OwnRedis, startOwnRedis } from '../support/redis-server';
import { expectLoadRecordedExactly } from '../support/accepted-events';
import { IngestLoad, until } from '../support/ingest-load';

const KILLS = 2;
const BATCHES = 200;
const EVENTS_PER_BATCH = 25;

/**
 * §15: Redis is killed with SIGKILL (no shutdown, no last fsync) during ingestion and restarted
 * from its append-only file, configured as the project configures it (appendonly yes,
 * appendfsync always). Every event answered 202 is recorded exactly once; requests answered
 * 503 meanwhile are sent again by the gateway.
 */
describe('fault: Redis is SIGKILLed during ingestion and restarted from its AOF', () => {
  let redis: OwnRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startOwnRedis('always');
    t = await startTestApp({
      APP_ROLE: 'all',
      REDIS_URL: redis.url,
      USAGE_ENQUEUE_TIMEOUT_MS: '1000',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    });
    await createModel(t, 'm1');
    await createPlan(t, { code: 'solo' });
    for (let i = 0; i < 10; i++) await subscribe(t, await createAccount(t), 'solo', [{ subscriberId: `86139100000${i}` }]);
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await redis.restart().catch(() => undefined);
    await t.close();
    await redis.stop();
  });

  it('every event answered 202 is recorded exactly once', async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const load = new IngestLoad(() => `http://127.0.0.1:${port}`, await t.keyFor('gateway'));
    load.add(
      BATCHES,
      EVENTS_PER_BATCH,
      Array.from({ length: 10 }, (_, i) => `86139100000${i}`),
      'm1',
    );
    for (let k = 1; k <= KILLS; k++) {
      const sending = load.sendPending(8);
      const before = load.acceptedCount;
      await until(() => load.acceptedCount >= before + 10 * EVENTS_PER_BATCH, 30_000, 'requests to be accepted');
      await redis.kill();
      await sending;
      await redis.restart();
    }
    await load.sendUntilAccepted(8);
    await expectLoadRecordedExactly(t, load, BATCHES, EVENTS_PER_BATCH);
    process.stdout.write(
      `redis-sigkill: ${load.sent.size} events sent, ${load.accepted.size} accepted, ${KILLS} kills, statuses ${JSON.stringify(load.statuses)}\n`,
    );
  }, 120_000);
});
