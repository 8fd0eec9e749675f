import { ChargeWriter, NewCharge } from '../../src/charges/charge-writer';
import { captureQueries, explainRowsRead } from '../support/plan-cost';
import { createModel, createPlan } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';

const ROWS = 4_000;
const LIMIT = 50;

/**
 * The large lists page by (createdAt, id), newest first. A page must be an index walk from its
 * cursor: the rows it reads grow with the page, not with the table. Each request's own SQL is
 * captured and re-run under EXPLAIN ANALYZE over 4,000 rows.
 */
describe('list pages read a page, not the table', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await createModel(t, 'm-lists');
    await createPlan(t, { code: 'lists-plan', models: ['m-lists'] });
    await t.db.query(`INSERT INTO accounts (external_ref, type, name) SELECT 'list-' || n, 'individual', 'List ' || n FROM generate_series(1, ${ROWS}) AS n`);
    await t.db.query(
      `INSERT INTO subscriptions (account_id, plan_code, status, start_at) SELECT id, 'lists-plan', 'cancelled', now() - interval '1 day' FROM accounts`,
    );
    const accounts: { id: string; external_ref: string }[] = await t.db.query(`SELECT id, external_ref FROM accounts`);
    const charges: NewCharge[] = accounts.map((a, n) => ({
      accountId: a.id,
      accountExternalRef: a.external_ref,
      type: 'ADJUSTMENT',
      description: 'list',
      quantity: null,
      amountFen: 100 + n,
      sourceRef: `list-${n}`,
    }));
    await t.db.transaction((em) => t.app.get(ChargeWriter).writeMany(em, charges));
    await t.db.query(`ANALYZE accounts; ANALYZE subscriptions; ANALYZE charges`);
  });
  afterAll(() => t.close());

  it.each([
    ['/v1/accounts', 'accounts'],
    ['/v1/subscriptions', 'subscriptions'],
    ['/v1/charges', 'charges'],
  ])('%s: the first page and a page from a cursor each read about a page of %s', async (path, table) => {
    const first = await t.http().get(path).query({ limit: LIMIT }).set(bearer(t.adminKey));
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(LIMIT);
    for (const query of [{ limit: LIMIT }, { limit: LIMIT, cursor: first.body.nextCursor as string }]) {
      const statements = await captureQueries(t.db, async () => {
        const res = await t.http().get(path).query(query).set(bearer(t.adminKey));
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(LIMIT);
      });
      const listing = statements.filter((s) => /^SELECT/i.test(s.sql) && new RegExp(`FROM "${table}"`).test(s.sql));
      expect(listing.length).toBeGreaterThan(0);
      for (const statement of listing) expect(await explainRowsRead(t.db, statement)).toBeLessThanOrEqual(3 * (LIMIT + 1));
    }
  });
});
