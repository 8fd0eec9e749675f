import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { periodIn } from '../support/calendar';
import { balanceOf, buyTopup, createPack } from './topup-helpers';

const DAY_MS = 24 * 3600 * 1000;

describe('top-ups: POST /v1/subscriptions/{id}/top-ups', () => {
  let t: TestApp;
  let accountId: string;
  let n = 0;
  const line = () => `86137100${String(++n).padStart(5, '0')}`;
  const newSub = async () => (await subscribe(t, accountId, 'basic', [{ subscriberId: line() }])).id as string;
  const counts = async (subscriptionId: string) => {
    const [row] = await t.db.query(
      `SELECT (SELECT count(*) FROM buckets WHERE subscription_id = $1 AND kind = 'topup')::int AS buckets,
              (SELECT count(*) FROM charges WHERE subscription_id = $1 AND type = 'TOPUP')::int AS charges,
              (SELECT count(*) FROM topups WHERE subscription_id = $1)::int AS topups`,
      [subscriptionId],
    );
    return row as { buckets: number; charges: number; topups: number };
  };

  beforeAll(async () => {
    t = await startTestApp();
    await createModel(t, 'm1');
    await createPlan(t, { code: 'basic' });
    await createPack(t, { code: 'p-cycle', credits: 1_000_000, priceFen: 500, validity: { kind: 'cycle' } });
    await createPack(t, { code: 'p-7d', credits: 5_000_000, priceFen: 1200, validity: { kind: 'days', days: 7 } });
    await createPack(t, { code: 'p-old', credits: 1, priceFen: 1, validity: { kind: 'cycle' } });
    await t.http().patch('/v1/packs/p-old').set(bearer(t.adminKey)).send({ status: 'retired' }).expect(200);
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('adds a topup bucket valid from now to the cycle end and a PENDING TOPUP charge of the pack price', async () => {
    const id = await newSub();
    const before = Date.now();
    const res = await buyTopup(t, id, 'p-cycle');
    expect(res.status).toBe(201);
    const cycleEnd = (await balanceOf(t, id)).cycle.end;
    expect(res.body).toMatchObject({ subscriptionId: id, packCode: 'p-cycle', credits: 1_000_000, priceFen: 500, expiresAt: cycleEnd });
    expect(Date.parse(res.body.validFrom)).toBeGreaterThanOrEqual(before - 5);
    const bucket = (await balanceOf(t, id)).buckets.find((b: { kind: string }) => b.kind === 'topup');
    expect(bucket).toEqual({ kind: 'topup', grantedCredits: 1_000_000, remainingCredits: 1_000_000, validFrom: res.body.validFrom, expiresAt: cycleEnd });
    const charges = await t.http().get('/v1/charges').query({ subscriptionId: id, type: 'TOPUP' }).set(bearer(t.adminKey));
    // tax contained = roundHalfUp(500 × 600 / 10600) = roundHalfUp(28.30) = 28
    expect(charges.body.data).toEqual([
      expect.objectContaining({
        id: res.body.chargeId,
        type: 'TOPUP',
        status: 'PENDING',
        amountFen: 500,
        taxFen: 28,
        quantity: 1_000_000,
        description: 'Top-up Pack p-cycle',
        subscriptionId: id,
        cycleId: null,
        billingPeriod: periodIn(new Date(res.body.validFrom), 'Asia/Shanghai'),
      }),
    ]);
  });

  it('a days pack expires exactly days × 24 h after the purchase', async () => {
    const res = await buyTopup(t, await newSub(), 'p-7d');
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.validFrom)).toBe(7 * DAY_MS);
  });

  it('replays the first answer for the same Idempotency-Key and body: one bucket, one charge; another body is a 409', async () => {
    const id = await newSub();
    const first = await buyTopup(t, id, 'p-cycle', 'buy-1');
    const again = await buyTopup(t, id, 'p-cycle', 'buy-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await buyTopup(t, id, 'p-7d', 'buy-1');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await counts(id)).toEqual({ buckets: 1, charges: 1, topups: 1 });
  });

  it('concurrent requests with one key buy once', async () => {
    const id = await newSub();
    const answers = await Promise.all(Array.from({ length: 5 }, () => buyTopup(t, id, 'p-cycle', 'buy-race')));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await counts(id)).toEqual({ buckets: 1, charges: 1, topups: 1 });
  });

  it('five concurrent purchases without a key are five purchases', async () => {
    const id = await newSub();
    const answers = await Promise.all(Array.from({ length: 5 }, () => buyTopup(t, id, 'p-cycle')));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(5);
    expect(await counts(id)).toEqual({ buckets: 5, charges: 5, topups: 5 });
    const topups = (await balanceOf(t, id)).buckets.filter((b: { kind: string }) => b.kind === 'topup');
    expect(topups.reduce((sum: number, b: { remainingCredits: number }) => sum + b.remainingCredits, 0)).toBe(5_000_000);
  });

  it.each([
    ['suspended', ['suspend']],
    ['cancelled', ['cancel']],
    ['ended', ['terminate']],
  ])('is a 409 naming the state on a %s subscription, and writes nothing', async (state, steps) => {
    const id = await newSub();
    for (const step of steps) await t.http().post(`/v1/subscriptions/${id}/${step}`).set(bearer(t.adminKey)).expect(200);
    const res = await buyTopup(t, id, 'p-cycle');
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(state);
    expect(await counts(id)).toEqual({ buckets: 0, charges: 0, topups: 0 });
  });

  it('a retired pack is a 409 PACK_RETIRED; an unknown one a 400 naming packCode', async () => {
    const id = await newSub();
    const retired = await buyTopup(t, id, 'p-old');
    expect(retired.status).toBe(409);
    expect(retired.body.code).toBe('PACK_RETIRED');
    const unknown = await buyTopup(t, id, 'no-such-pack');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(['packCode']);
    const malformed = await t.http().post(`/v1/subscriptions/${id}/top-ups`).set(bearer(t.adminKey)).send({ packCode: 5 });
    expect(malformed.status).toBe(400);
    expect(await counts(id)).toEqual({ buckets: 0, charges: 0, topups: 0 });
  });

  it('an unknown or malformed subscription id is a 404', async () => {
    expect((await buyTopup(t, '0b9c3a4e-1d2f-4a5b-8c6d-7e8f9a0b1c2d', 'p-cycle')).status).toBe(404);
    expect((await buyTopup(t, 'not-a-uuid', 'p-cycle')).status).toBe(404);
  });

  it('lists purchases newest first; the billing role may buy, the gateway may not', async () => {
    const id = await newSub();
    const billing = await t.keyFor('billing');
    const gateway = await t.keyFor('gateway');
    const bought = await t.http().post(`/v1/subscriptions/${id}/top-ups`).set(bearer(billing)).send({ packCode: 'p-cycle' });
    expect(bought.status).toBe(201);
    const forbidden = await t.http().post(`/v1/subscriptions/${id}/top-ups`).set(bearer(gateway)).send({ packCode: 'p-cycle' });
    expect(forbidden.status).toBe(403);
    const second = await buyTopup(t, id, 'p-7d');
    const list = await t.http().get(`/v1/subscriptions/${id}/top-ups`).set(bearer(t.adminKey));
    expect(list.body).toEqual({ data: [second.body, bought.body], nextCursor: null });
  });
});
