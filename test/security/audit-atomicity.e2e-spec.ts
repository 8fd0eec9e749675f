import { createAccount, createPlan, tableCounts } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';

/** SPEC §12: every change made through the API is in the audit log — so no change without its entry. */
describe('audit entries commit with their change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query(sql, params))[0].n);

  /** A real database trigger that refuses every audit row, standing in for any reason the write fails. */
  async function withAuditRefused(work: () => Promise<void>): Promise<void> {
    await t.db.query(`CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`);
    await t.db.query(`CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()`);
    try {
      await work();
    } finally {
      await t.db.query(`DROP TRIGGER test_refuse_audit ON audit_log`);
      await t.db.query(`DROP FUNCTION test_refuse_audit()`);
    }
  }

  it('a change whose audit entry cannot be written is not made', async () => {
    await withAuditRefused(async () => {
      const res = await t.http().post('/v1/providers').set(bearer(t.adminKey)).send({ code: 'unaudited', name: 'Unaudited' });
      expect(res.status).toBeGreaterThanOrEqual(500);
    });
    expect(await count(`SELECT count(*) n FROM providers WHERE code = 'unaudited'`)).toBe(0);
  });

  it('a rating run whose audit entry cannot be written is not created', async () => {
    await withAuditRefused(async () => {
      const res = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period: '2025-01' });
      expect(res.status).toBeGreaterThanOrEqual(500);
    });
    expect(await count(`SELECT count(*) n FROM rating_runs`)).toBe(0);
  });

  it('a subscription (its service transaction is a savepoint inside the request) is not created either', async () => {
    await createPlan(t, { code: 'atomic-plan' });
    const accountId = await createAccount(t);
    const tables = ['subscriptions', 'members', 'cycles', 'buckets', 'charges'];
    const before = await tableCounts(t, tables);
    await withAuditRefused(async () => {
      const res = await t
        .http()
        .post('/v1/subscriptions')
        .set(bearer(t.adminKey))
        .send({ accountId, planCode: 'atomic-plan', members: [{ subscriberId: '8613911112222' }] });
      expect(res.status).toBeGreaterThanOrEqual(500);
    });
    expect(await tableCounts(t, tables)).toEqual(before);
    const retried = await t
      .http()
      .post('/v1/subscriptions')
      .set(bearer(t.adminKey))
      .send({ accountId, planCode: 'atomic-plan', members: [{ subscriberId: '8613911112222' }] });
    expect(retried.status).toBe(201);
  });

  it('a successful change has exactly one entry, and a refused one none', async () => {
    const ok = await t.http().post('/v1/providers').set(bearer(t.adminKey)).send({ code: 'audited', name: 'Audited' });
    expect(ok.status).toBe(201);
    const dup = await t.http().post('/v1/providers').set(bearer(t.adminKey)).send({ code: 'audited', name: 'Again' });
    expect(dup.status).toBe(409);
    expect(await count(`SELECT count(*) n FROM audit_log WHERE entity_id = 'audited'`)).toBe(1);
    const run = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period: '2025-02' });
    expect(run.status).toBe(201);
    expect(await count(`SELECT count(*) n FROM audit_log WHERE entity_id = $1 AND action = 'rating-run.create'`, [run.body.id])).toBe(1);
  });

  it.each([
    ['a lone high surrogate', 'Bad \ud800 name'],
    ['a lone low surrogate', '\udc00'],
    ['NUL', 'nul\u0000name'],
  ])('a name holding %s is a 400 naming the field, and nothing is stored', async (_what, name) => {
    const res = await t.http().post('/v1/providers').set(bearer(t.adminKey)).send({ code: 'p-text', name });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'name' })]);
    expect(await count(`SELECT count(*) n FROM providers WHERE code = 'p-text'`)).toBe(0);
  });

  it('nested text and query strings are checked too', async () => {
    const nested = await t
      .http()
      .post('/v1/api-keys')
      .set(bearer(t.adminKey))
      .send({ name: 'k', role: 'billing', extra: ['\ud83d'] });
    expect(nested.status).toBe(400);
    expect(nested.body.errors.map((e: { path: string }) => e.path)).toContain('extra[0]');
    const query = await t.http().get('/v1/audit-log').query({ entity: 'a\u0000b' }).set(bearer(t.adminKey));
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([expect.objectContaining({ path: 'entity' })]);
  });

  it('a well-formed astral character (a surrogate pair) is accepted', async () => {
    const res = await t.http().post('/v1/providers').set(bearer(t.adminKey)).send({ code: 'emoji', name: 'Smile 😀' });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Smile 😀');
  });
});
