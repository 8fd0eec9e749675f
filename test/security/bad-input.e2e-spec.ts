import { createAccount, createPlan, tableCounts } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';

const cursorOf = (sort: string, tie: string) => Buffer.from(JSON.stringify([sort, tie]), 'utf8').toString('base64url');
const UUID = '6f0a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

/** Inputs that used to reach PostgreSQL and come back as 500s: each is a 400 naming the field. */
describe('bad input: impossible cursors, periods and dates are 400s, never 500s', () => {
  let t: TestApp;
  let accountId: string;
  const admin = () => bearer(t.adminKey);

  beforeAll(async () => {
    t = await startTestApp({ MAX_BACKDATE_DAYS: '121' });
    await createPlan(t, { code: 'solo' });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  function expectBadInput(res: { status: number; body: { errors?: { path: string }[] }; headers: Record<string, string> }, path: string) {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  }

  const impossibleInstants = ['2026-02-30T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-04-31T10:00:00Z'];
  const lists = [
    '/v1/accounts',
    '/v1/subscriptions',
    '/v1/charges',
    '/v1/rating-runs',
    '/v1/settlement-batches',
    '/v1/api-keys',
    '/v1/alerts',
    '/v1/webhooks',
    '/v1/invoices',
    '/v1/rejected-usage',
  ];

  it.each(lists)('%s refuses a cursor carrying an impossible date', async (path) => {
    for (const instant of impossibleInstants)
      expectBadInput(
        await t
          .http()
          .get(path)
          .query({ cursor: cursorOf(instant, UUID) })
          .set(admin()),
        'cursor',
      );
  });

  it('the usage ledger refuses a cursor carrying an impossible date', async () => {
    for (const instant of impossibleInstants)
      expectBadInput(
        await t
          .http()
          .get('/v1/usage')
          .query({ cursor: cursorOf(instant, 'evt-1') })
          .set(admin()),
        'cursor',
      );
  });

  it('the audit log refuses a cursor whose sequence number does not fit a bigint', async () => {
    for (const seq of ['9223372036854775808', '9999999999999999999']) {
      expectBadInput(
        await t
          .http()
          .get('/v1/audit-log')
          .query({ cursor: cursorOf(seq, UUID) })
          .set(admin()),
        'cursor',
      );
    }
    expect(
      (
        await t
          .http()
          .get('/v1/audit-log')
          .query({ cursor: cursorOf('9223372036854775807', UUID) })
          .set(admin())
      ).status,
    ).toBe(200);
  });

  it.each(['1999-12', '0000-01', '1000-06'])('POST /v1/rating-runs refuses the period %s (before 2000) and starts no run', async (period) => {
    const before = await tableCounts(t, ['rating_runs']);
    expectBadInput(await t.http().post('/v1/rating-runs').set(admin()).send({ period }), 'period');
    expect(await tableCounts(t, ['rating_runs'])).toEqual(before);
  });

  it.each([['1999-12-31T23:59:59Z'], ['0001-01-01T00:00:00Z'], ['1970-01-01T00:00:00Z'], [new Date(Date.now() - 122 * 86_400_000).toISOString()]])(
    'POST /v1/subscriptions refuses startAt %s: further back than MAX_BACKDATE_DAYS, nothing written',
    async (startAt) => {
      const tables = ['subscriptions', 'members', 'cycles', 'buckets', 'charges'];
      const before = await tableCounts(t, tables);
      const res = await t
        .http()
        .post('/v1/subscriptions')
        .set(admin())
        .send({ accountId, planCode: 'solo', startAt, members: [{ subscriberId: '8613800002001' }] });
      expectBadInput(res, 'startAt');
      expect(res.body.errors[0].message).toContain('121 days');
      expect(res.body.errors[0].message).toContain('MAX_BACKDATE_DAYS');
      expect(await tableCounts(t, tables)).toEqual(before);
    },
  );

  it.each([
    ['/v1/usage-events', '{"events":[{"a":{"constructor":"x"}}]}', 'events[0].a.constructor'],
    ['/v1/usage-events', '{"events":[{"metadata":{"prototype":1}}]}', 'events[0].metadata.prototype'],
    ['/v1/accounts', '{"name":{"__proto__":{"x":1}}}', 'name.__proto__'],
  ])('POST %s refuses a body using a prototype key as a field name (%s) with a 400 naming it', async (path, body, at) => {
    const res = await t.http().post(path).set(admin()).set('Content-Type', 'application/json').send(body);
    expectBadInput(res, at);
  });

  it('accepts a startAt just inside MAX_BACKDATE_DAYS', async () => {
    const startAt = new Date(Date.now() - 120 * 86_400_000).toISOString();
    const res = await t
      .http()
      .post('/v1/subscriptions')
      .set(admin())
      .send({ accountId, planCode: 'solo', startAt, members: [{ subscriberId: '8613800002002' }] });
    expect(res.status).toBe(201);
  });
});
