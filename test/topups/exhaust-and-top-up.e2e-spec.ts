import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';
import { Receiver, eventually } from '../webhooks/receiver';
import { balanceOf, buyTopup, createPack, startOfThisMonth } from './topup-helpers';

describe('a subscriber who exhausts the plan is alerted, buys a pack and keeps using models', () => {
  let t: TestApp;
  let gateway: string;
  const receiver = new Receiver();
  const who = '8613770000001';
  const send = async (events: object[]) => {
    await t.http().post('/v1/usage-events').set(bearer(gateway)).send({ events }).expect(202);
    await drainUsageQueue(t);
  };

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createPlan(t, { code: 'small', allowanceCredits: 1_000 });
    await createPack(t, { code: 'boost', credits: 5_000, priceFen: 300, validity: { kind: 'cycle' } });
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  it('gets USAGE_80, USAGE_100 and BALANCE_EXHAUSTED by webhook; after the top-up new usage is covered by the pack', async () => {
    const url = await receiver.start();
    const kinds = ['USAGE_80', 'USAGE_100', 'BALANCE_EXHAUSTED'];
    await t.http().post('/v1/webhooks').set(bearer(t.adminKey)).send({ url, eventKinds: kinds, secret: 'journey-secret-0123' }).expect(201);
    const sub = await subscribe(t, await createAccount(t), 'small', [{ subscriberId: who }], startOfThisMonth());
    await send([event(who, 'm1', 900, 0)]);
    await send([event(who, 'm1', 300, 0)]); // 100 from the plan, 200 unbilled on this block plan
    const received = await eventually(async () => receiver.requests.length >= 3 && receiver.requests);
    expect(received.map((r) => JSON.parse(r.body).kind).sort()).toEqual(['BALANCE_EXHAUSTED', 'USAGE_100', 'USAGE_80']);
    expect((await balanceOf(t, sub.id)).unbilledCredits).toBe(200);

    const topup = await buyTopup(t, sub.id, 'boost', 'journey-1');
    expect(topup.status).toBe(201);
    const later = event(who, 'm1', 1_500, 0);
    await send([later]);
    const [row] = await t.db.query(`SELECT credits, bucket_credits, unbilled_credits FROM usage_ledger WHERE event_id = $1`, [later.eventId]);
    expect(row).toEqual({ credits: '1500', bucket_credits: '1500', unbilled_credits: '0' });
    const pack = (await balanceOf(t, sub.id)).buckets.find((b: { kind: string }) => b.kind === 'topup');
    expect(pack).toMatchObject({ grantedCredits: 5_000, remainingCredits: 3_500 });
    const charge = await t.http().get('/v1/charges').query({ subscriptionId: sub.id, type: 'TOPUP' }).set(bearer(t.adminKey));
    expect(charge.body.data).toEqual([expect.objectContaining({ id: topup.body.chargeId, status: 'PENDING', amountFen: 300, quantity: 5_000 })]);
    expect(receiver.requests).toHaveLength(3);
  });
});
