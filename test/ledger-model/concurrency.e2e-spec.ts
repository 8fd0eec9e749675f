/**
 * Four worker processes (real `node src/main.ts` children, APP_ROLE=worker, concurrency 2 each)
 * consume one usage queue whose jobs all touch the same handful of subscriptions. Whatever order
 * the jobs commit in, the ledger must hold each event once with the model's attribution and
 * credits, and every balance must equal the model's (the stream is built so that final balances
 * do not depend on the order of jobs; see orderFreeStream).
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

describe('four worker processes on one queue, same subscriptions', () => {
  let t: TestApp;
  let catalog: Catalog;
  let accountId: string;
  const workers: WorkerChild[] = [];
  const tag = `lc${Date.now().toString(36)}`;

  beforeAll(async () => {
    // The test process only serves the API and produces jobs; the children consume.
    t = await startTestApp({ APP_ROLE: 'api' });
    const cycle = cycleContaining(new Date(), t.config.BILLING_TZ);
    catalog = await createCatalog(t, cycle.start, cycle.end);
    accountId = await createAccount(t, `${tag}-acct`);
    for (let i = 0; i < 4; i++) workers.push(spawnWorker(t, `worker-${i + 1}`));
    await waitForWorkers(usageQueue(t), 4, workers);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w)));
    await t?.close();
  }, 60_000);

  it('40 jobs × 50 events end with the balances of the model, each event once, and no failed job or attempt', async () => {
    const run = await setupRun(t, catalog, accountId, `${tag}-r1`);
    const queue = usageQueue(t);
    const seed = Math.floor(Math.random() * 2 ** 31);
    const jobs = orderFreeStream(run, seed, 40, 50);
    const ids = [...new Set(jobs.flat().map((e) => e.eventId))];
    const before = await readActual(t.db, run.subscriptionIds, ids);
    const modelNow = new Date();
    const started = Date.now();
    await enqueueJobs(t, jobs);
    const counts = await waitDrained(queue, 90_000);
    const elapsed = Date.now() - started;

    const history = await jobHistory(queue);
    const done = await queue.getCompleted(0, 1000);
    // How many jobs were in flight together (from processedOn/finishedOn): the contention actually happened.
    const spans = done.map((j) => [j.processedOn ?? 0, j.finishedOn ?? 0] as const);
    const overlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));

    const expected = expectedLedger(run.world, jobs, modelNow);
    const actual = await readActual(t.db, run.subscriptionIds, ids);
    const diffs = [
      ...compareLedger(expected, actual, 'aggregate'),
      ...ledgerInvariants(actual, before),
      ...(await balanceDiffs(t, run, expected)),
      ...(await providerUsageDiffs(t)),
    ];
    const context = `seed ${seed}; ${counts.completed} jobs in ${elapsed} ms, up to ${overlap} in flight at once`;

    expect({ context, diffs: formatDiffs(diffs) }).toEqual({ context, diffs: '' });
    // A job whose first attempt threw (e.g. a bucket CHECK violation) was rated against wrong balances.
    expect({ context, failed: history.failed, retried: history.retried }).toEqual({ context, failed: [], retried: [] });
    expect(counts).toEqual({ completed: 40, failed: 0 });
    expect(expected.ledger.size).toBeGreaterThan(500);
    expect(overlap).toBeGreaterThan(1);
    expect(workers.map((w) => [w.name, w.alive()])).toEqual(workers.map((w) => [w.name, true]));
  }, 120_000);

  it('a batch that waited for the subscription lock rates against what the batch before it committed: the payg cap holds', async () => {
    // Deterministic form of what the random stream shows. lm-famcap bills at most 3,000 overage credits
    // per cycle. The plan bucket is emptied first; then two batches of 2,000 uncovered credits each
    // queue up behind a lock on the subscription row. The second one to get the lock must see the
    // first one's 2,000 overage: 1,000 more overage, 1,000 unbilled.
    const run = await setupRun(t, catalog, accountId, `${tag}-r2`);
    const queue = usageQueue(t);
    const [, b, c] = run.slots.map((s) => s.subscriberId);
    const fam = run.subs.fam;
    const planBucket = [...run.world.buckets.values()].find((x) => x.subscriptionId === fam && x.kind === 'plan')!;
    const at = (ms: number) => new Date(run.now.getTime() - ms).toISOString();
    const ev = (id: string, who: string, input: number, ago: number): RawEvent => ({
      eventId: `${run.tag}-${id}`,
      subscriberId: who,
      model: 'lm-one',
      inputTokens: input,
      outputTokens: 0,
      occurredAt: at(ago),
    });
    const empty = [ev('empty', b, planBucket.remainingCredits, 3000)];
    const first = [ev('one', b, 2000, 2000)];
    const second = [ev('two', c, 2000, 1000)];
    const ids = [...empty, ...first, ...second].map((e) => e.eventId);
    const before = await readActual(t.db, run.subscriptionIds, ids);
    const modelNow = new Date();
    await enqueueJobs(t, [empty]);
    await waitDrained(queue, 30_000);

    const holder = t.db.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await holder.query('SELECT id FROM subscriptions WHERE id = $1 FOR UPDATE', [fam]);
      await enqueueJobs(t, [first, second]);
      // both batches are inside their transactions, waiting for the subscription row
      const deadline = Date.now() + 20_000;
      for (;;) {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        if (n >= 2) break;
        if (Date.now() > deadline) throw new Error(`only ${n} batches waiting for the subscription lock`);
        await sleep(50);
      }
      await holder.commitTransaction();
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    await waitDrained(queue, 30_000);

    const expected = expectedLedger(run.world, [empty, first, second], modelNow);
    const actual = await readActual(t.db, run.subscriptionIds, ids);
    const cycleKey = [...expected.cycles.keys()].find((k) => k.startsWith(`${fam}@`) && expected.cycles.get(k)!.status === 'open')!;
    expect(expected.cycles.get(cycleKey)).toEqual({ overage: 3000, unbilled: 1000, status: 'open' });
    expect(actual.cycles.get(cycleKey)).toEqual({ overage: 3000, unbilled: 1000, status: 'open' });
    expect(formatDiffs([...compareLedger(expected, actual, 'aggregate'), ...ledgerInvariants(actual, before)])).toBe('');
  }, 60_000);
});
