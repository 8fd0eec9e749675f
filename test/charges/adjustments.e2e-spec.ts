import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount } from '../support/fixtures';
import { periodIn } from '../support/calendar';

describe('adjustments and the charges list', () => {
  let t: TestApp;
  let accountId: string;
  const adjust = (id: string, body: object, key?: string) => {
    const req = t.http().post(`/v1/accounts/${id}/adjustments`).set(bearer(t.adminKey));
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const count = async () => Number((await t.db.query(`SELECT count(*) n FROM charges WHERE account_id = $1`, [accountId]))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('creates an ADJUSTMENT charge with the tax contained in the amount, sign kept', async () => {
    const res = await adjust(accountId, { amountFen: -500, reason: 'Goodwill, outage of 3 Nov' });
    expect(res.status).toBe(201);
    // tax = roundHalfUp(500 × 600 / 10600) = roundHalfUp(28.30…) = 28, negative for a credit
    expect(res.body).toMatchObject({
      type: 'ADJUSTMENT',
      amountFen: -500,
      taxFen: -28,
      taxRateBp: 600,
      currency: 'CNY',
      status: 'PENDING',
      quantity: null,
      description: 'Goodwill, outage of 3 Nov',
      billingPeriod: periodIn(new Date(), 'Asia/Shanghai'),
    });
  });

  it('replays the same answer for the same Idempotency-Key and body; 409 for another body', async () => {
    const before = await count();
    const first = await adjust(accountId, { amountFen: 1000, reason: 'late fee' }, 'adj-1');
    const replay = await adjust(accountId, { reason: 'late fee', amountFen: 1000 }, 'adj-1');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(await count()).toBe(before + 1);
    const other = await adjust(accountId, { amountFen: 999, reason: 'late fee' }, 'adj-1');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count()).toBe(before + 1);
  });

  it('concurrent requests with one key create one charge', async () => {
    const before = await count();
    const answers = await Promise.all(Array.from({ length: 6 }, () => adjust(accountId, { amountFen: 7, reason: 'race' }, 'adj-race')));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await count()).toBe(before + 1);
  });

  it.each([
    [{ amountFen: 0, reason: 'x' }, 'amountFen'],
    [{ amountFen: '5', reason: 'x' }, 'amountFen'],
    [{ amountFen: 2 ** 53 + 2, reason: 'x' }, 'amountFen'],
    [{ amountFen: 5 }, 'reason'],
    [{ amountFen: 5, reason: 'a\u0007b' }, 'reason'],
  ])('%j is a 400 naming %s and writes nothing', async (body, path) => {
    const before = await count();
    const res = await adjust(accountId, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await count()).toBe(before);
  });

  it('an unknown account is a 404', async () => {
    expect((await adjust('6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11', { amountFen: 5, reason: 'x' })).status).toBe(404);
  });

  it('lists charges by account; an account key sees only its own', async () => {
    const other = await createAccount(t);
    await adjust(other, { amountFen: 300, reason: 'other' });
    const list = await t.http().get('/v1/charges').query({ accountId: other }).set(bearer(t.adminKey));
    expect(list.body.data.map((c: { accountId: string }) => c.accountId)).toEqual([other]);
    const key = await t.keyFor(`account:${other}`);
    const scoped = await t.http().get('/v1/charges').set(bearer(key));
    expect(scoped.body.data.every((c: { accountId: string }) => c.accountId === other)).toBe(true);
    const foreign = await t.http().get('/v1/charges').query({ accountId }).set(bearer(key));
    expect(foreign.status).toBe(404);
  });
});
