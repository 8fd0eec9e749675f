import { Client } from 'pg';
import { tableCounts } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';

/**
 * Request work is bounded in an `api` process: a statement past API_STATEMENT_TIMEOUT_MS is cut,
 * its transaction undone, and the caller told 503 with Retry-After. Processes that run workers
 * (roles `worker` and `all`) keep no limit, so a bill run is never cut halfway by it.
 */
describe('bounded work: the API pool has a statement timeout, the workers do not', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', API_STATEMENT_TIMEOUT_MS: '400' });
  });
  afterAll(() => api.close());

  it('every connection of the api process pool carries the configured statement_timeout', async () => {
    const [{ statement_timeout }] = await api.db.query(`SHOW statement_timeout`);
    expect(statement_timeout).toBe('400ms');
  });

  it('a process that also runs workers has no statement timeout, whatever the setting says', async () => {
    const all = await startTestApp({ APP_ROLE: 'all', API_STATEMENT_TIMEOUT_MS: '400' });
    try {
      const [{ statement_timeout }] = await all.db.query(`SHOW statement_timeout`);
      expect(statement_timeout).toBe('0');
    } finally {
      await all.close();
    }
  });

  it('a request whose statement outlives the timeout answers 503 problem+json with Retry-After and writes nothing', async () => {
    const tables = ['accounts', 'audit_log'];
    const before = await tableCounts(api, tables);
    const locker = new Client({ connectionString: api.config.DATABASE_URL });
    await locker.connect();
    try {
      // The insert waits on this lock until the statement timeout cuts it; nothing else can end the wait.
      await locker.query(`BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE`);
      // The client-side limit only turns "waits forever" (no statement timeout) into a failure instead of a hang.
      const res = await api
        .http()
        .post('/v1/accounts')
        .set(bearer(api.adminKey))
        .timeout(20_000)
        .send({ externalRef: 'BA-TIMEOUT-1', type: 'individual', name: 'Slow' });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toMatchObject({ status: 503, code: 'STATEMENT_TIMEOUT' });
    } finally {
      await locker.query(`ROLLBACK`);
      await locker.end();
    }
    expect(await tableCounts(api, tables)).toEqual(before);
  });
});
