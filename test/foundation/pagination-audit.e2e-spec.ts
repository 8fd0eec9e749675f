import { TestApp, bearer, startTestApp } from '../support/test-app';

describe('pagination and the audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('walks every key exactly once with limit and cursor', async () => {
    for (let i = 0; i < 7; i++) await t.keyFor('gateway');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await t
        .http()
        .get('/v1/api-keys')
        .query(cursor ? { limit: 3, cursor } : { limit: 3 })
        .set(bearer(t.adminKey));
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.data.map((k) => k.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const all: { id: string }[] = await t.db.query('SELECT id FROM api_keys');
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(all.map((r) => r.id).sort());
  });

  it.each([['0'], ['501'], ['abc'], ['1.5']])('limit=%s is a 400', async (limit) => {
    const res = await t.http().get('/v1/api-keys').query({ limit }).set(bearer(t.adminKey));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('limit');
  });

  it('a forged cursor is a 400', async () => {
    const res = await t.http().get('/v1/api-keys').query({ cursor: 'bm90LWEtY3Vyc29y' }).set(bearer(t.adminKey));
    expect(res.status).toBe(400);
  });

  it('records who changed what, without the secret', async () => {
    const created = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).send({ name: 'audited', role: 'billing' });
    await t.http().delete(`/v1/api-keys/${created.body.id}`).set(bearer(t.adminKey));
    const billing = await t.keyFor('billing');
    const res = await t.http().get('/v1/audit-log').query({ entity: 'api-key', entityId: created.body.id }).set(bearer(billing));
    expect(res.status).toBe(200);
    const actions = res.body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['api-key.revoke', 'api-key.create']);
    expect(res.body.data[1]).toMatchObject({ actorName: 'bootstrap-admin', actorRole: 'admin', entity: 'api-key' });
    expect(res.body.data[1].changes.body).toEqual({ name: 'audited', role: 'billing' });
    expect(JSON.stringify(res.body)).not.toContain(created.body.secret);
  });

  it('does not audit failed requests', async () => {
    await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).send({ name: 'bad', role: 'nope' });
    const rows: { n: string }[] = await t.db.query(`SELECT count(*) n FROM audit_log WHERE changes->'body'->>'name' = 'bad'`);
    expect(Number(rows[0].n)).toBe(0);
  });
});
