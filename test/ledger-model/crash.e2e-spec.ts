/**
 * A worker process killed with SIGKILL in the middle of a stream, then a new worker: the stalled
 * job is redelivered within seconds (WORKER_LOCK_DURATION_MS=2000, WORKER_STALLED_INTERVAL_MS=1000)
 * and the ledger ends equal to the model: no event lost, none counted twice.
 */
import { cycleContaining } from '../../src/billing-rules';
import { TestApp, startTestApp } from '../support/test-app';
import { RawEvent, expectedLedger } from './reference-model';
import { orderFreeStream } from './streams';
import {
  Catalog,
  WorkerChild,
  balanceDiffs,
  providerUsageDiffs,
  compareLedger,
  createAccount,
  createCatalog,
  enqueueJobs,
  formatDiffs,
  jobHistory,
  ledgerInvariants,
  readActual,
  setupRun,
  sleep,
  spawnWorker,
  stopWorker,
  usageQueue,
  waitDrained,
  waitForWorkers,
} from './support';

const FAST_REDELIVERY = { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' };
/**
 * One job at a time: this file is about crash recovery only. Concurrent batches over the same
 * subscriptions are concurrency.e2e-spec.ts's subject (and currently fail there).
 */
const SERIAL = { ...FAST_REDELIVERY, WORKER_CONCURRENCY: '1' };

describe('a worker killed mid-stream', () => {
  let t: TestApp;
  let catalog: Catalog;
  let accountId: string;
  const workers: WorkerChild[] = [];
  const tag = `lk${Date.now().toString(36)}`;
  const start = async (name: string, env: Record<string, string> = SERIAL) => {
    const w = spawnWorker(t, name, env);
    workers.push(w);
    await waitForWorkers(usageQueue(t), workers.filter((x) => x.alive()).length, [w]);
    return w;
  };

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    const cycle = cycleContaining(new Date(), t.config.BILLING_TZ);
    catalog = await createCatalog(t, cycle.start, cycle.end);
    accountId = await createAccount(t, `${tag}-acct`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w)));
    await t?.close();
  }, 60_000);

  it('SIGKILL after some ledger rows appear, a new worker takes over: the ledger equals the model', async () => {
    const run = await setupRun(t, catalog, accountId, `${tag}-r1`);
    const queue = usageQueue(t);
    const seed = Math.floor(Math.random() * 2 ** 31);
    const jobs = orderFreeStream(run, seed, 30, 50);
    const ids = [...new Set(jobs.flat().map((e) => e.eventId))];
    const before = await readActual(t.db, run.subscriptionIds, ids);
    const modelNow = new Date();

    const victim = await start('victim');
    await enqueueJobs(t, jobs);
    // Kill once some batches are committed and others are in flight.
    let atKill: { rows: number; active: number; completed: number };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM usage_ledger WHERE event_id = ANY($1::text[])', [ids]);
      const c = await queue.getJobCounts('active', 'completed');
      if (n > 0 && (c.active ?? 0) > 0) {
        victim.child.kill('SIGKILL');
        atKill = { rows: n, active: c.active ?? 0, completed: c.completed ?? 0 };
        break;
      }
      if (Date.now() > deadline) throw new Error(`no ledger rows with jobs in flight within 30 s:\n${victim.output()}`);
      await sleep(10);
    }
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(atKill.completed).toBeLessThan(jobs.length);

    await start('successor');
    const counts = await waitDrained(queue, 90_000);
    const history = await jobHistory(queue);
    const expected = expectedLedger(run.world, jobs, modelNow);
    const actual = await readActual(t.db, run.subscriptionIds, ids);
    const diffs = [
      ...compareLedger(expected, actual, 'aggregate'),
      ...ledgerInvariants(actual, before),
      ...(await balanceDiffs(t, run, expected)),
      ...(await providerUsageDiffs(t)),
    ];
    const context = `seed ${seed}; killed with ${atKill.rows} rows written, ${atKill.active} jobs active, ${atKill.completed} completed`;
    expect({ context, diffs: formatDiffs(diffs) }).toEqual({ context, diffs: '' });
    expect({ context, failed: history.failed }).toEqual({ context, failed: [] });
    expect(counts).toEqual({ completed: jobs.length, failed: 0 });
    // the jobs the victim held were redelivered (they stalled), not lost
    const stalled = (await queue.getCompleted(0, 1000)).filter((j) => (j.stalledCounter ?? 0) > 0);
    expect(stalled.length).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('a healthy job that runs longer than WORKER_LOCK_DURATION_MS keeps its lock: it is not redelivered, nor failed as stalled', async () => {
    // With WORKER_LOCK_DURATION_MS=2000 the lock must be renewed well within 2 s while the job runs.
    // The job is made slow by holding its subscription's row lock for 7 s from the test.
    const run = await setupRun(t, catalog, accountId, `${tag}-r2`);
    const queue = usageQueue(t);
    // a worker of its own, with the settings the crash test relies on (2 jobs at a time)
    await Promise.all(workers.map((w) => stopWorker(w)));
    await start('long-job-worker', { ...FAST_REDELIVERY, WORKER_CONCURRENCY: '2' });
    const a = run.slots[0].subscriberId;
    const job: RawEvent[] = [
      {
        eventId: `${run.tag}-slow`,
        subscriberId: a,
        model: 'lm-one',
        inputTokens: 7,
        outputTokens: 7,
        occurredAt: new Date(run.now.getTime() - 1000).toISOString(),
      },
    ];
    const holder = t.db.createQueryRunner();
    await holder.connect();
    const failedBefore = (await queue.getJobCounts('failed')).failed ?? 0;
    try {
      await holder.startTransaction();
      await holder.query('SELECT id FROM subscriptions WHERE id = $1 FOR UPDATE', [run.subs.blk]);
      await enqueueJobs(t, [job]);
      await sleep(7000);
      await holder.commitTransaction();
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    await waitDrained(queue, 30_000);
    // The batch itself is recorded exactly once either way.
    const deadline = Date.now() + 15_000;
    while ((await t.db.query('SELECT 1 FROM usage_ledger WHERE event_id = $1', [job[0].eventId])).length === 0 && Date.now() < deadline) await sleep(100);
    expect(await t.db.query('SELECT count(*)::int AS n FROM usage_ledger WHERE event_id = $1', [job[0].eventId])).toEqual([{ n: 1 }]);
    const failed = ((await queue.getFailed(0, 100)) ?? []).slice(0, ((await queue.getJobCounts('failed')).failed ?? 0) - failedBefore);
    const completed = (await queue.getCompleted(0, 1000)).find((j) => (j.data as { events: RawEvent[] }).events[0]?.eventId === job[0].eventId);
    expect({ failed: failed.map((j) => j.failedReason), stalledCounter: completed?.stalledCounter, attemptsMade: completed?.attemptsMade }).toEqual({
      failed: [],
      stalledCounter: 0,
      attemptsMade: 1,
    });
  }, 60_000);
});
