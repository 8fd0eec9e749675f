import { deliveryRetryPolicy } from '../../src/webhooks/delivery-jobs';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';
import { startOfThisMonth } from '../topups/topup-helpers';
import { Receiver, eventually } from './receiver';

/** The retry policy is shortened for this file only (3 attempts, 100 ms, 200 ms); production keeps 8 from 1 s. */
describe('webhook deliveries that never succeed: failed after the last attempt, then replayed', () => {
  let t: TestApp;
  let gateway: string;
  let accountId: string;
  const receiver = new Receiver(() => 503);
  let n = 0;
  const line = () => `86137600${String(++n).padStart(5, '0')}`;
  const admin = () => bearer(t.adminKey);
  const deliveries = async (webhookId: string) => (await t.http().get(`/v1/webhooks/${webhookId}/deliveries`).set(admin())).body.data;
  const settled = (webhookId: string, status: string) =>
    eventually(async () => {
      const list = await deliveries(webhookId);
      return list[0]?.status === status && list[0];
    });
  const crossEighty = async () => {
    const who = line();
    await subscribe(t, accountId, 'k1', [{ subscriberId: who }], startOfThisMonth());
    await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(gateway))
      .send({ events: [event(who, 'm1', 800, 0)] })
      .expect(202);
    await drainUsageQueue(t);
  };

  beforeAll(async () => {
    Object.assign(deliveryRetryPolicy, { attempts: 3, backoffDelayMs: 100 });
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createPlan(t, { code: 'k1', allowanceCredits: 1_000 });
    accountId = await createAccount(t);
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  it('records every attempt and marks the delivery failed; a replay sends it again and keeps the history', async () => {
    const url = await receiver.start();
    const hook = (
      await t
        .http()
        .post('/v1/webhooks')
        .set(admin())
        .send({ url, eventKinds: ['USAGE_80'], secret: 'a-long-enough-secret' })
    ).body;
    await crossEighty();
    const failed = await settled(hook.id, 'failed');
    expect(failed.attempts.map((a: { statusCode: number; error: string }) => [a.statusCode, a.error])).toEqual([
      [503, 'HTTP 503: scripted 503'],
      [503, 'HTTP 503: scripted 503'],
      [503, 'HTTP 503: scripted 503'],
    ]);
    expect(receiver.requests).toHaveLength(3);

    receiver.answer = () => 200;
    const replay = await t.http().post(`/v1/webhook-deliveries/${failed.id}/replay`).set(admin());
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id: failed.id, status: 'pending', replays: 1 });
    const delivered = await settled(hook.id, 'delivered');
    expect(delivered.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 503, 503, 200]);
    expect(JSON.parse(receiver.requests[3].body).id).toBe(JSON.parse(receiver.requests[0].body).id);
  });

  it('records a refused connection with no status code and the cause', async () => {
    const closed = new Receiver();
    const url = await closed.start();
    await closed.stop();
    const hook = (
      await t
        .http()
        .post('/v1/webhooks')
        .set(admin())
        .send({ url, eventKinds: ['USAGE_80'], secret: 'a-long-enough-secret' })
    ).body;
    await crossEighty();
    const failed = await settled(hook.id, 'failed');
    expect(failed.attempts).toHaveLength(3);
    expect(failed.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('replaying a pending delivery is a 409; a delivery of a deleted webhook cannot be replayed', async () => {
    const slow = new Receiver(() => 200);
    const url = await slow.start();
    const hook = (
      await t
        .http()
        .post('/v1/webhooks')
        .set(admin())
        .send({ url, eventKinds: ['USAGE_80'], secret: 'a-long-enough-secret' })
    ).body;
    await crossEighty();
    const delivered = await settled(hook.id, 'delivered');
    await t.db.query(`UPDATE webhook_deliveries SET status = 'pending' WHERE id = $1`, [delivered.id]);
    const pending = await t.http().post(`/v1/webhook-deliveries/${delivered.id}/replay`).set(admin());
    expect(pending.status).toBe(409);
    expect(pending.body.code).toBe('DELIVERY_PENDING');
    await t.db.query(`UPDATE webhook_deliveries SET status = 'delivered' WHERE id = $1`, [delivered.id]);
    await t.http().delete(`/v1/webhooks/${hook.id}`).set(admin()).expect(200);
    const gone = await t.http().post(`/v1/webhook-deliveries/${delivered.id}/replay`).set(admin());
    expect(gone.status).toBe(409);
    expect(gone.body.code).toBe('WEBHOOK_DELETED');
    await slow.stop();
  });
});
