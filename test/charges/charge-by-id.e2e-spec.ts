import { randomUUID } from 'node:crypto';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount } from '../support/fixtures';

describe('GET /v1/charges/{id}', () => {
  let t: TestApp;
  let mine: string;
  let theirs: string;
  const adjust = async (accountId: string, amountFen: number) => {
    const res = await t.http().post(`/v1/accounts/${accountId}/adjustments`).set(bearer(t.adminKey)).send({ amountFen, reason: 'test' });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  beforeAll(async () => {
    t = await startTestApp();
    mine = await createAccount(t);
    theirs = await createAccount(t);
  });
  afterAll(() => t.close());

  it('answers the charge as the list shows it', async () => {
    const charge = await adjust(mine, 1200);
    const res = await t.http().get(`/v1/charges/${charge.id}`).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    const list = await t.http().get('/v1/charges').query({ accountId: mine }).set(bearer(t.adminKey));
    expect(res.body).toEqual(list.body.data.find((c: { id: string }) => c.id === charge.id));
    expect(res.body).toMatchObject({ id: charge.id, accountId: mine, type: 'ADJUSTMENT', amountFen: 1200 });
  });

  it('an account key reads its own charges; another account’s charge is a 404, as if it did not exist', async () => {
    const own = await adjust(mine, 300);
    const other = await adjust(theirs, 400);
    const key = await t.keyFor(`account:${mine}`);
    expect((await t.http().get(`/v1/charges/${own.id}`).set(bearer(key))).body).toMatchObject({ id: own.id, amountFen: 300 });
    const hidden = await t.http().get(`/v1/charges/${other.id}`).set(bearer(key));
    const missing = await t.http().get(`/v1/charges/${randomUUID()}`).set(bearer(key));
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    expect(hidden.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('an unknown or malformed id is a 404; the gateway and provider keys are refused', async () => {
    expect((await t.http().get(`/v1/charges/${randomUUID()}`).set(bearer(t.adminKey))).status).toBe(404);
    expect((await t.http().get('/v1/charges/not-a-uuid').set(bearer(t.adminKey))).status).toBe(404);
    const charge = await adjust(mine, 500);
    expect(
      (
        await t
          .http()
          .get(`/v1/charges/${charge.id}`)
          .set(bearer(await t.keyFor('gateway')))
      ).status,
    ).toBe(403);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await t.http().get('/docs-json');
    expect(doc.body.paths['/v1/charges/{id}']?.get?.responses?.['200']).toBeDefined();
  });
});
