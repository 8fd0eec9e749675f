import { ChildProcess } from 'node:child_process';
import { SubscriptionsService } from '../../src/subscriptions/subscriptions.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createPlan } from '../support/fixtures';
import { spawnWorker, stopProcess } from '../support/worker-process';

const SUBSCRIPTIONS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A worker killed with SIGKILL in the middle of a bill run, then a new one started: the run
 * completes with exactly one RECURRING charge per closed cycle and progress equal to the total.
 */
describe('bill run survives a SIGKILLed worker', () => {
  let t: TestApp;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    // The API process only; the chunk jobs are processed by the child workers.
    t = await startTestApp({ APP_ROLE: 'api' });
    await createPlan(t, { code: 'crash-plan', monthlyFeeFen: 990 });
    const accountId = await createAccount(t);
    const subs = t.app.get(SubscriptionsService);
    const soldAt = new Date('2026-09-01T00:00:00+08:00');
    for (let i = 0; i < SUBSCRIPTIONS; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, SUBSCRIPTIONS - i) }, (_, j) =>
          subs.create({ accountId, planCode: 'crash-plan', members: [{ subscriberId: `crash-${i + j}` }] }, soldAt),
        ),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w, 'SIGKILL')));
    await t.close();
  });

  it('completes with no charge missing or doubled', async () => {
    const small = { RATING_CHUNK_SIZE: '60', RATING_SLICE_SIZE: '5', WORKER_CONCURRENCY: '2' };
    workers.push(spawnWorker(t, small));
    const res = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period: '2026-10' });
    expect(res.status).toBe(201);
    const progress = async () =>
      Number((await t.db.query(`SELECT COALESCE(sum(done_count), 0) AS n FROM rating_run_chunks WHERE run_id = $1`, [res.body.id]))[0].n);
    let done = 0;
    for (let i = 0; i < 600 && done === 0; i++) {
      await sleep(25);
      done = await progress();
    }
    await stopProcess(workers[0], 'SIGKILL');
    const atKill = await progress();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(SUBSCRIPTIONS);

    workers.push(spawnWorker(t, small));
    let view: { status: string; progress: { processed: number; total: number }; counts: { RECURRING: number } } = res.body;
    for (let i = 0; i < 600 && view.status !== 'completed' && view.status !== 'failed'; i++) {
      await sleep(200);
      view = (await t.http().get(`/v1/rating-runs/${res.body.id}`).set(bearer(t.adminKey))).body;
    }
    expect(view.status).toBe('completed');
    expect(view.progress).toEqual({ processed: SUBSCRIPTIONS, total: SUBSCRIPTIONS });
    // Sold on September 1st: September and October have ended by October's end; one RECURRING each.
    const [counts] = await t.db.query(
      `SELECT count(*)::int AS charges, count(DISTINCT cycle_id)::int AS cycles, sum(amount_fen)::int AS fen FROM charges WHERE type = 'RECURRING'`,
    );
    expect(counts).toEqual({ charges: 2 * SUBSCRIPTIONS, cycles: 2 * SUBSCRIPTIONS, fen: 2 * SUBSCRIPTIONS * 990 });
    expect(view.counts.RECURRING).toBe(2 * SUBSCRIPTIONS);
    const [unrated] = await t.db.query(`SELECT count(*)::int AS n FROM cycles WHERE status <> 'rated' AND end_at <= '2026-10-31T16:00:00Z'`);
    expect(unrated.n).toBe(0);
  }, 180_000);
});
