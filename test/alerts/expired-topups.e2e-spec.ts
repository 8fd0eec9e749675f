import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { SCAN_EXPIRED_TOPUPS } from '../../src/alerts/alerts.processor';
import { QUEUES } from '../../src/queue/queue-names';
import { bullPrefix, redisOptionsFromUrl } from '../../src/queue/redis-options';
import { TestApp, startTestApp } from '../support/test-app';
import { createAccount, createPlan, subscribe } from '../support/fixtures';

describe('TOPUP_EXPIRED_UNUSED from the scheduled scan', () => {
  let t: TestApp;
  let events: QueueEvents;
  let queue: Queue;
  const scan = async () => (await queue.add(SCAN_EXPIRED_TOPUPS, {})).waitUntilFinished(events, 20000);
  const insertTopupBucket = async (subscriptionId: string, granted: number, remaining: number, expiresAt: string) => {
    const [row] = await t.db.query(
      `INSERT INTO buckets (subscription_id, cycle_id, kind, granted_credits, remaining_credits, valid_from, expires_at, source_ref)
       VALUES ($1, (SELECT current_cycle_id FROM subscriptions WHERE id = $1), 'topup', $2, $3, $4::timestamptz - interval '2 days', $4, gen_random_uuid()::text)
       RETURNING id`,
      [subscriptionId, granted, remaining, expiresAt],
    );
    return row.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    queue = t.app.get<Queue>(getQueueToken(QUEUES.alerts));
    events = new QueueEvents(QUEUES.alerts, { connection: redisOptionsFromUrl(t.config.REDIS_URL), prefix: bullPrefix(t.config.REDIS_PREFIX) });
    await events.waitUntilReady();
    await createPlan(t, { code: 'basic' });
  });
  afterAll(async () => {
    await events.close();
    await t.close();
  });

  it('is scheduled with a stable id', async () => {
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain(SCAN_EXPIRED_TOPUPS);
  });

  it('alerts once for a pack that expired with every credit left; not for a used or a live one', async () => {
    const sub = await subscribe(t, await createAccount(t), 'basic', [{ subscriberId: '8613740000001' }]);
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    const unused = await insertTopupBucket(sub.id, 500, 500, minuteAgo);
    await insertTopupBucket(sub.id, 500, 499, minuteAgo);
    await insertTopupBucket(sub.id, 500, 500, new Date(Date.now() + 3600_000).toISOString());
    expect(await scan()).toEqual({ raised: 1 });
    expect(await scan()).toEqual({ raised: 0 });
    const alerts = await t.db.query(`SELECT kind, subject, data FROM alerts WHERE subscription_id = $1`, [sub.id]);
    expect(alerts).toEqual([
      {
        kind: 'TOPUP_EXPIRED_UNUSED',
        subject: unused,
        data: { bucketId: unused, purchaseId: null, packCode: null, grantedCredits: 500, expiresAt: new Date(minuteAgo).toISOString() },
      },
    ]);
  });
});
