import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { drainUsageQueue, event } from '../support/usage';
import { RejectedUsageService } from '../../src/usage/rejected-usage.service';

/**
 * A bulk retry is a job, not request work: the POST answers 202 at once, a worker does the
 * retrying in exactly-once chunks, and a retry killed halfway leaves nothing doubled when run again.
 */
describe('rejected usage: bulk retry runs as a queue job', () => {
  let t: TestApp;
  let gateway: string;
  const admin = () => bearer(t.adminKey);
  const lines = ['8613400900001', '8613400900002'];

  beforeAll(async () => {
    t = await startTestApp();
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createPlan(t, { code: 'solo' });
    const hourAgo = new Date(Date.now() - 3600_000);
    // 600 events of lines nobody has subscribed yet: all rejected UNKNOWN_SUBSCRIBER, then the lines are sold.
    const events = Array.from({ length: 600 }, (_, i) => event(lines[i % 2], 'm1', 1, 0, new Date(hourAgo.getTime() + i)));
    expect((await t.http().post('/v1/usage-events').set(bearer(gateway)).send({ events })).status).toBe(202);
    await drainUsageQueue(t);
    const accountId = await createAccount(t);
    for (const line of lines) await subscribe(t, accountId, 'solo', [{ subscriberId: line }], new Date(hourAgo.getTime() - 60_000).toISOString());
  });
  afterAll(() => t.close());

  async function outcome(id: string): Promise<Record<string, unknown>> {
    for (;;) {
      const res = await t.http().get(`/v1/rejected-usage/retry-jobs/${id}`).set(admin());
      expect(res.status).toBe(200);
      if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const ledgerRows = async () => Number((await t.db.query(`SELECT count(*) n FROM usage_ledger WHERE subscriber_id = ANY($1)`, [lines]))[0].n);

  it('a retry killed after its first chunk, started again as a job, records every event exactly once', async () => {
    const service = t.app.get(RejectedUsageService);
    const killed = service.retryMatching({ reason: 'UNKNOWN_SUBSCRIBER' }, undefined, async () => {
      throw new Error('killed after the first committed chunk');
    });
    await expect(killed).rejects.toThrow('killed');
    const afterKill = await ledgerRows();
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(600);

    const res = await t.http().post('/v1/rejected-usage/retry').set(admin()).send({ reason: 'UNKNOWN_SUBSCRIBER' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', filter: { reason: 'UNKNOWN_SUBSCRIBER' } });
    expect(await outcome(res.body.id)).toMatchObject({ status: 'completed', retried: 600 - afterKill, recorded: 600 - afterKill, stillRejected: 0 });
    expect(await ledgerRows()).toBe(600);

    const again = await t.http().post('/v1/rejected-usage/retry').set(admin()).send({ reason: 'UNKNOWN_SUBSCRIBER' });
    expect(await outcome(again.body.id)).toMatchObject({ status: 'completed', retried: 0, recorded: 0 });
    expect(await ledgerRows()).toBe(600);
  });

  it('an unknown retry job is a 404', async () => {
    expect((await t.http().get('/v1/rejected-usage/retry-jobs/6f0a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b').set(admin())).status).toBe(404);
  });
});

describe('rejected usage: the bulk retry request does no retrying itself', () => {
  it('answers 202 with a queued job in a process without workers, and records nothing', async () => {
    const t = await startTestApp({ APP_ROLE: 'api' });
    try {
      const res = await t.http().post('/v1/rejected-usage/retry').set(bearer(t.adminKey)).send({});
      expect(res.status).toBe(202);
      const job = await t.http().get(`/v1/rejected-usage/retry-jobs/${res.body.id}`).set(bearer(t.adminKey));
      expect(job.body).toMatchObject({ id: res.body.id, status: 'queued', retried: 0 });
    } finally {
      await t.close();
    }
  });
});
