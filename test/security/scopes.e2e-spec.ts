import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';

/** SPEC §12: a scoped key sees only its own data; another id, in a path or as a filter, is a 404. */
describe('access: scoped keys and filters naming someone else', () => {
  let t: TestApp;
  let mine: { accountId: string; subscriptionId: string; line: string };
  let theirs: { accountId: string; subscriptionId: string; line: string };
  let accountKey: Record<string, string>;

  async function customer(line: string) {
    const accountId = await createAccount(t);
    const sub = await subscribe(t, accountId, 'solo', [{ subscriberId: line }]);
    return { accountId, subscriptionId: sub.id as string, line };
  }

  beforeAll(async () => {
    t = await startTestApp();
    await createModel(t, 'm-scope', 'prov-a');
    await createModel(t, 'm-scope-b', 'prov-b');
    await createPlan(t, { code: 'solo' });
    mine = await customer('8613800001001');
    theirs = await customer('8613800001002');
    accountKey = bearer(await t.keyFor(`account:${mine.accountId}`));
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string>, auth: Record<string, string>) => t.http().get(path).query(query).set(auth);

  it.each([
    ['/v1/invoices', 'accountId'],
    ['/v1/charges', 'accountId'],
    ['/v1/charges', 'subscriptionId'],
    ['/v1/subscriptions', 'accountId'],
    ['/v1/subscriptions', 'subscriberId'],
    ['/v1/usage', 'subscriptionId'],
    ['/v1/usage', 'subscriberId'],
    ['/v1/usage/summary', 'subscriptionId'],
    ['/v1/usage/summary', 'subscriberId'],
  ])("an account key filtering %s by another account's %s gets a 404, and 200 for its own", async (path, field) => {
    const value = (c: typeof mine) => (field === 'accountId' ? c.accountId : field === 'subscriptionId' ? c.subscriptionId : c.line);
    const extra: Record<string, string> = path.endsWith('summary') ? { groupBy: 'model' } : {};
    const other = await get(path, { ...extra, [field]: value(theirs) }, accountKey);
    expect(other.status).toBe(404);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await get(path, { ...extra, [field]: value(mine) }, accountKey)).status).toBe(200);
    expect((await get(path, { ...extra, [field]: value(theirs) }, bearer(t.adminKey))).status).toBe(200);
  });

  it('a provider key naming another provider gets a 404, its own a 200', async () => {
    const key = bearer(await t.keyFor('provider:prov-a'));
    expect((await get('/v1/provider-statements', { period: '2026-11', provider: 'prov-b' }, key)).status).toBe(404);
    expect((await get('/v1/provider-statements', { period: '2026-11', provider: 'prov-a' }, key)).status).toBe(200);
  });

  it.each([
    ['account:------------------------------------'],
    ['account:0000000-00000-0000-0000-0000000000000'],
    ['account:zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'],
    ['provider:-leading-dash'],
    ['provider:has space'],
    ['provider:'],
  ])('refuses to create a key with the malformed scoped role %s (400, nothing written)', async (role) => {
    const before = Number((await t.db.query(`SELECT count(*) n FROM api_keys`))[0].n);
    const res = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).send({ name: 'bad-scope', role });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'role' })]);
    expect(Number((await t.db.query(`SELECT count(*) n FROM api_keys`))[0].n)).toBe(before);
  });

  it('a gateway key cannot read plans or models, which carry fees and provider cost prices', async () => {
    const key = bearer(await t.keyFor('gateway'));
    for (const path of ['/v1/plans', '/v1/plans/solo', '/v1/models', '/v1/models/m-scope']) expect((await get(path, {}, key)).status).toBe(403);
  });
});
