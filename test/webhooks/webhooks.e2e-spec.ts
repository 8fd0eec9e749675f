import { createHmac } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { QUEUES } from '../../src/queue/queue-names';
import { bullPrefix, redisOptionsFromUrl } from '../../src/queue/redis-options';
import { SWEEP_JOB } from '../../src/webhooks/delivery-jobs';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';
import { startOfThisMonth } from '../topups/topup-helpers';
import { Receiver, eventually } from './receiver';

const SECRET = 'whsec_test_0123456789abcdef';

describe('webhooks: registration and signed delivery of alerts', () => {
  let t: TestApp;
  let gateway: string;
  let accountId: string;
  const receivers: Receiver[] = [];
  let n = 0;
  const line = () => `86137500${String(++n).padStart(5, '0')}`;
  const admin = () => bearer(t.adminKey);
  const register = (body: object) => t.http().post('/v1/webhooks').set(admin()).send(body);
  const receiver = async (answer?: (i: number) => number) => {
    const r = new Receiver(answer);
    receivers.push(r);
    return { r, url: await r.start() };
  };
  const deliveries = async (webhookId: string) => (await t.http().get(`/v1/webhooks/${webhookId}/deliveries`).set(admin())).body.data;
  /** A fresh subscription of a 1,000-credit plan pushed to 80 %: one USAGE_80 alert. */
  const crossEighty = async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'k1', [{ subscriberId: who }], startOfThisMonth());
    await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(gateway))
      .send({ events: [event(who, 'm1', 800, 0)] })
      .expect(202);
    await drainUsageQueue(t);
    return sub.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createPlan(t, { code: 'k1', allowanceCredits: 1_000 });
    accountId = await createAccount(t);
  });
  afterAll(async () => {
    for (const r of receivers) await r.stop();
    await t.close();
  });

  it('registers a webhook and never shows its secret again, only a prefix; the audit log redacts it', async () => {
    const res = await register({ url: 'https://crm.example.com/hooks', eventKinds: ['USAGE_80', 'USAGE_100'], secret: SECRET });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      url: 'https://crm.example.com/hooks',
      eventKinds: ['USAGE_80', 'USAGE_100'],
      secretPrefix: 'whse',
      createdAt: expect.any(String),
      deletedAt: null,
    });
    expect((await t.http().get(`/v1/webhooks/${res.body.id}`).set(admin())).body).toEqual(res.body);
    expect((await t.http().get('/v1/webhooks').set(admin())).body.data).toContainEqual(res.body);
    const audit = await t.db.query(`SELECT changes::text AS changes FROM audit_log WHERE entity = 'webhook'`);
    expect(audit.map((a: { changes: string }) => a.changes).join()).not.toContain(SECRET);
    const removed = await t.http().delete(`/v1/webhooks/${res.body.id}`).set(admin());
    expect(removed.status).toBe(200);
    expect(removed.body.deletedAt).toEqual(expect.any(String));
  });

  it.each([
    [{ url: 'ftp://example.com/x', eventKinds: ['USAGE_80'], secret: SECRET }, 'url'],
    [{ url: 'not a url', eventKinds: ['USAGE_80'], secret: SECRET }, 'url'],
    [{ url: 'https://example.com', eventKinds: [], secret: SECRET }, 'eventKinds'],
    [{ url: 'https://example.com', eventKinds: ['USAGE_90'], secret: SECRET }, 'eventKinds'],
    [{ url: 'https://example.com', eventKinds: ['USAGE_80'], secret: 'short' }, 'secret'],
    [{ url: 'https://example.com', eventKinds: ['USAGE_80'], secret: 'x'.repeat(201) }, 'secret'],
  ])('%j is a 400 naming %s', async (body, path) => {
    const res = await register(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('POSTs the alert as JSON, signed sha256=HMAC(secret, timestamp + "." + body), to the webhooks of its kind only', async () => {
    const { r, url } = await receiver();
    const other = await receiver();
    const hook = (await register({ url, eventKinds: ['USAGE_80'], secret: SECRET })).body;
    await register({ url: other.url, eventKinds: ['MEMBER_CAP_REACHED'], secret: SECRET }).expect(201);
    const subscriptionId = await crossEighty();
    const [req] = await eventually(async () => r.requests.length > 0 && r.requests);
    const timestamp = req.headers['x-webhook-timestamp'] as string;
    const expected = createHmac('sha256', SECRET).update(`${timestamp}.${req.body}`).digest('hex');
    expect(req.headers['x-webhook-signature']).toBe(`sha256=${expected}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const [alert] = await t.db.query(`SELECT id, cycle_id, created_at FROM alerts WHERE subscription_id = $1`, [subscriptionId]);
    expect(JSON.parse(req.body)).toEqual({
      id: alert.id,
      kind: 'USAGE_80',
      subscriptionId,
      cycleId: alert.cycle_id,
      subject: null,
      createdAt: alert.created_at.toISOString(),
      data: { thresholdPercent: 80, usedCredits: 800, allowanceCredits: 1_000 },
    });
    const [delivery] = await eventually(async () => {
      const list = await deliveries(hook.id);
      return list[0]?.status === 'delivered' && list;
    });
    expect(delivery).toMatchObject({ alertId: alert.id, kind: 'USAGE_80', replays: 0, attempts: [{ statusCode: 204, error: null }] });
    expect(other.r.requests).toEqual([]);
  });

  it('retries with exponential backoff: a receiver failing twice gets three attempts, the last one delivered', async () => {
    const { r, url } = await receiver((i) => (i < 2 ? 500 : 200));
    const hook = (await register({ url, eventKinds: ['USAGE_80'], secret: SECRET })).body;
    await crossEighty();
    const [delivery] = await eventually(async () => {
      const list = await deliveries(hook.id);
      return list[0]?.status === 'delivered' && list;
    }, 30000);
    expect(delivery.attempts.map((a: { statusCode: number; error: string | null }) => [a.statusCode, a.error])).toEqual([
      [500, 'HTTP 500: scripted 500'],
      [500, 'HTTP 500: scripted 500'],
      [200, null],
    ]);
    // backoff 1 s then 2 s (exponential from 1,000 ms), measured at the receiver
    expect(r.requests[1].at - r.requests[0].at).toBeGreaterThanOrEqual(900);
    expect(r.requests[2].at - r.requests[1].at).toBeGreaterThanOrEqual(1900);
  });

  it('the sweeper enqueues a pending delivery whose job was never added (its id dedupes a second enqueue)', async () => {
    const { r, url } = await receiver();
    const subscriptionId = await crossEighty();
    const hook = (await register({ url, eventKinds: ['USAGE_80'], secret: SECRET })).body;
    const [row] = await t.db.query(`INSERT INTO webhook_deliveries (webhook_id, alert_id) SELECT $1, id FROM alerts WHERE subscription_id = $2 RETURNING id`, [
      hook.id,
      subscriptionId,
    ]);
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.webhookDeliveries));
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain(SWEEP_JOB);
    const events = new QueueEvents(QUEUES.webhookDeliveries, {
      connection: redisOptionsFromUrl(t.config.REDIS_URL),
      prefix: bullPrefix(t.config.REDIS_PREFIX),
    });
    try {
      await events.waitUntilReady();
      await (await queue.add(SWEEP_JOB, {})).waitUntilFinished(events, 20000);
      await (await queue.add(SWEEP_JOB, {})).waitUntilFinished(events, 20000);
    } finally {
      await events.close();
    }
    const [delivery] = await eventually(async () => {
      const list = await deliveries(hook.id);
      return list[0]?.status === 'delivered' && list;
    });
    expect(delivery.id).toBe(row.id);
    expect(delivery.attempts).toHaveLength(1);
    expect(r.requests).toHaveLength(1);
  });

  it('a deleted webhook gets no deliveries for new alerts', async () => {
    const { r, url } = await receiver();
    const hook = (await register({ url, eventKinds: ['USAGE_80'], secret: SECRET })).body;
    await t.http().delete(`/v1/webhooks/${hook.id}`).set(admin()).expect(200);
    await crossEighty();
    expect(await deliveries(hook.id)).toEqual([]);
    expect(r.requests).toEqual([]);
  });

  it('unknown webhooks and deliveries are 404s', async () => {
    const unknown = '7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a0f';
    expect((await t.http().get(`/v1/webhooks/${unknown}`).set(admin())).status).toBe(404);
    expect((await t.http().get(`/v1/webhooks/${unknown}/deliveries`).set(admin())).status).toBe(404);
    expect((await t.http().post(`/v1/webhook-deliveries/${unknown}/replay`).set(admin())).status).toBe(404);
  });
});
