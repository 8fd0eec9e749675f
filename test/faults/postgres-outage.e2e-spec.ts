import { ChildProcess } from 'node:child_process';
import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { QUEUES } from '../../src/queue/queue-names';
import { USAGE_BATCH_JOB } from '../../src/usage/usage-job';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { SubscriptionsService } from '../../src/subscriptions/subscriptions.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { TEST_PG_URL } from '../support/test-env';
import { event } from '../support/usage';
import { spawnWorker, stopProcess } from '../support/worker-process';
import { expectEveryAcceptedEventRecordedOnce, expectLoadRecordedExactly, expectVerifierFindsNothing } from '../support/accepted-events';
import { IngestLoad, until } from '../support/ingest-load';

const BATCHES = 160;
const EVENTS_PER_BATCH = 25;
const BILLED = 200;
const FEE_FEN = 990;

/**
 * §15: PostgreSQL faults, made on this test's own database only: its connections terminated
 * (pg_terminate_backend), and the database refusing connections for two seconds
 * (ALLOW_CONNECTIONS false + terminate), first during ingestion, then during a bill run.
 * Workers run in a child process, as in production.
 */
describe('fault: PostgreSQL connections terminated and the database unavailable', () => {
  let t: TestApp;
  let worker: ChildProcess;
  let admin: Client;
  let dbName: string;

  const terminate = async (): Promise<number> =>
    (await admin.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]))
      .rows[0].n;
  const outage = async (ms: number, during?: () => Promise<void>) => {
    await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    try {
      await terminate();
      await during?.();
      await new Promise((r) => setTimeout(r, ms));
    } finally {
      await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    }
  };

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    dbName = new URL(t.config.DATABASE_URL).pathname.slice(1);
    admin = new Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    worker = spawnWorker(t, { RATING_CHUNK_SIZE: '40', RATING_SLICE_SIZE: '5', WORKER_CONCURRENCY: '2', USAGE_DEFER_MS: '1000' });
    await createModel(t, 'm1');
    await createPlan(t, { code: 'solo', monthlyFeeFen: FEE_FEN });
    for (let i = 0; i < 10; i++) await subscribe(t, await createAccount(t), 'solo', [{ subscriberId: `86139200000${i}` }]);
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
  }, 60_000);
  afterAll(async () => {
    await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
    await stopProcess(worker, 'SIGKILL');
    await t.close();
  });

  it('during ingestion: every event answered 202 is recorded exactly once', async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const load = new IngestLoad(() => `http://127.0.0.1:${port}`, await t.keyFor('gateway'));
    load.add(
      BATCHES,
      EVENTS_PER_BATCH,
      Array.from({ length: 10 }, (_, i) => `86139200000${i}`),
      'm1',
    );
    const sending = load.sendPending(4);
    await until(() => load.acceptedCount >= 20 * EVENTS_PER_BATCH, 30_000, 'requests to be accepted');
    const terminated = await terminate();
    await until(() => load.acceptedCount >= 60 * EVENTS_PER_BATCH, 30_000, 'more requests to be accepted');
    await outage(2000);
    await sending;
    await load.sendUntilAccepted(4);
    await expectLoadRecordedExactly(t, load, BATCHES, EVENTS_PER_BATCH);
    // Refused requests say "retry later", never "server error".
    expect(Object.keys(load.statuses).filter((s) => s.startsWith('5') && s !== '503')).toEqual([]);
    process.stdout.write(
      `postgres-ingest: ${load.sent.size} events sent, ${load.accepted.size} accepted, ${terminated} connections terminated + a 2 s outage, statuses ${JSON.stringify(load.statuses)}\n`,
    );
  }, 90_000);

  it('a job whose attempts an outage spends waits for the database instead of failing', async () => {
    // A direct producer's job with a single attempt, processed while the database refuses connections.
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.usageEvents));
    const events = Array.from({ length: 5 }, (_, i) => event(`86139200000${i}`, 'm1', 10, 1));
    // The worker is up and taking jobs before the outage begins.
    const warmup = await queue.add(USAGE_BATCH_JOB, { events: [event('861392000000', 'm1', 1, 1)] });
    await until(async () => (await warmup.getState()) === 'completed', 30_000, 'the worker to take a job');
    let job: Job | undefined;
    await outage(3000, async () => {
      job = await queue.add(USAGE_BATCH_JOB, { events }, { attempts: 1 });
    });
    await until(async () => (await job!.getState()) === 'completed', 60_000, 'the deferred job to complete');
    await expectEveryAcceptedEventRecordedOnce(
      t.db,
      events.map((e) => e.eventId),
    );
    expect(await queue.getFailedCount()).toBe(0);
  }, 90_000);

  it('during a bill run: every closed cycle is charged exactly its fee, once', async () => {
    const accountId = await createAccount(t);
    const subs = t.app.get(SubscriptionsService);
    const soldAt = new Date('2026-09-01T00:00:00+08:00');
    for (let i = 0; i < BILLED; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, j) => subs.create({ accountId, planCode: 'solo', members: [{ subscriberId: `bill-${i + j}` }] }, soldAt)),
      );
    }
    const res = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period: '2026-10' });
    expect(res.status).toBe(201);
    const progress = async () =>
      Number((await t.db.query(`SELECT COALESCE(sum(done_count), 0) AS n FROM rating_run_chunks WHERE run_id = $1`, [res.body.id]))[0].n);
    await until(async () => (await progress()) > 0, 30_000, 'the bill run to start');
    await outage(2000);
    const atOutage = await progress();
    await terminate();
    let view = res.body as { status: string; progress: { processed: number; total: number } };
    await until(
      async () => {
        const r = await t.http().get(`/v1/rating-runs/${res.body.id}`).set(bearer(t.adminKey));
        if (r.status === 200) view = r.body;
        return view.status === 'completed' || view.status === 'failed';
      },
      60_000,
      'the bill run to finish',
    );
    expect(view.status).toBe('completed');
    expect(view.progress).toEqual({ processed: BILLED, total: BILLED });
    // Sold September 1st: September's and October's cycles have closed; one RECURRING charge of the plan's fee each.
    const [charges] = await t.db.query(
      `SELECT count(*)::int AS n, count(DISTINCT cycle_id)::int AS cycles, sum(amount_fen)::int AS fen
       FROM charges c JOIN subscriptions s ON s.id = c.subscription_id WHERE c.type = 'RECURRING' AND s.account_id = $1`,
      [accountId],
    );
    expect(charges).toEqual({ n: 2 * BILLED, cycles: 2 * BILLED, fen: 2 * BILLED * FEE_FEN });
    await expectVerifierFindsNothing(t.app);
    process.stdout.write(
      `postgres-bill-run: ${BILLED} subscriptions, progress at the outage ${atOutage}, 2 s outage + termination; charges ${JSON.stringify(charges)}\n`,
    );
  }, 120_000);
});
