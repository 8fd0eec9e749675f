import { TestApp, bearer, startTestApp } from '../support/test-app';

describe('access: API keys and the role guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates a key whose secret is shown once and never stored', async () => {
    const res = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).send({ name: 'gw', role: 'gateway' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'gw', role: 'gateway' });
    expect(res.body.secret).toMatch(/^tpb_[A-Za-z0-9_-]{43}$/);
    const dump: { row: string }[] = await t.db.query(`SELECT row_to_json(k)::text AS row FROM api_keys k`);
    expect(dump.some((d) => d.row.includes(res.body.secret))).toBe(false);
    const list = await t.http().get('/v1/api-keys').set(bearer(t.adminKey));
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
  });

  it('answers 401 without a key, with an unknown key and with a revoked key', async () => {
    expect((await t.http().get('/v1/audit-log')).status).toBe(401);
    expect((await t.http().get('/v1/audit-log').set(bearer('tpb_nope'))).status).toBe(401);
    const created = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).send({ name: 'b', role: 'billing' });
    const secret = created.body.secret as string;
    expect((await t.http().get('/v1/audit-log').set(bearer(secret))).status).toBe(200);
    expect((await t.http().delete(`/v1/api-keys/${created.body.id}`).set(bearer(t.adminKey))).status).toBe(200);
    const after = await t.http().get('/v1/audit-log').set(bearer(secret));
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it.each([
    ['admin', 201, 200],
    ['billing', 403, 200],
    ['gateway', 403, 403],
    ['account:6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11', 403, 403],
    ['provider:deepseek', 403, 403],
  ])('role %s: key management %i, audit log %i', async (role, keysStatus, auditStatus) => {
    const key = role === 'admin' ? t.adminKey : await t.keyFor(role);
    const create = await t.http().post('/v1/api-keys').set(bearer(key)).send({ name: 'x', role: 'gateway' });
    expect(create.status).toBe(keysStatus);
    expect((await t.http().get('/v1/audit-log').set(bearer(key))).status).toBe(auditStatus);
    if (keysStatus === 403) expect(create.body).toMatchObject({ status: 403, title: 'Forbidden' });
  });

  it('refuses a bad role and unknown fields with a 400 listing each field', async () => {
    const res = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).send({ name: '', role: 'root', extra: 1 });
    expect(res.status).toBe(400);
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['extra', 'name', 'role']));
    const count: { n: string }[] = await t.db.query(`SELECT count(*) AS n FROM api_keys WHERE name = ''`);
    expect(Number(count[0].n)).toBe(0);
  });

  it('whoami answers every role with its own key', async () => {
    const key = await t.keyFor('provider:deepseek');
    const res = await t.http().get('/v1/whoami').set(bearer(key));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'provider:deepseek', name: 'k-provider:deepseek' });
  });

  it('revoking an unknown or malformed id is a 404', async () => {
    const unknown = await t.http().delete('/v1/api-keys/6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11').set(bearer(t.adminKey));
    expect(unknown.status).toBe(404);
    expect((await t.http().delete('/v1/api-keys/not-a-uuid').set(bearer(t.adminKey))).status).toBe(404);
  });
});
