import { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { WorkerMetricsServer } from '../../src/metrics/worker-metrics-server';
import { QUEUES } from '../../src/queue/queue-names';
import { USAGE_BATCH_JOB } from '../../src/usage/usage-job';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { drainUsageQueue, event } from '../support/usage';
import { lastPeriod } from '../verification/month-scenario';
import { freePort, httpGet, sample } from './scrape';

/**
 * GET /metrics (SPEC §15). The app allows 127.0.0.1 only; a request from another loopback address
 * (127.0.0.2, a different peer on the same host) stands for a peer outside the allowed network.
 */
describe('metrics: GET /metrics in Prometheus text format', () => {
  let t: TestApp;
  let base: string;
  const scrape = async () => {
    const res = await httpGet(`${base}/metrics`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const post = async (events: object[]) => {
    const res = await t.http().post('/v1/usage-events').set(bearer(t.adminKey)).send({ events });
    expect(res.status).toBe(202);
    await drainUsageQueue(t);
  };

  beforeAll(async () => {
    t = await startTestApp({ METRICS_ALLOW: '127.0.0.1/32', METRICS_CACHE_MS: '0' });
    await (t.app as INestApplication).listen(0, '0.0.0.0');
    base = `http://127.0.0.1:${((t.app as INestApplication).getHttpServer().address() as AddressInfo).port}`;
    await createModel(t, 'm1');
    await createPlan(t, { code: 'p1' });
    await subscribe(t, await createAccount(t), 'p1', [{ subscriberId: 'mx-1' }]);
  });
  afterAll(() => t.close());

  it('is readable without a key from an allowed address, and refused to any other peer without an admin or billing key', async () => {
    const allowed = await httpGet(`${base}/metrics`);
    expect(allowed.status).toBe(200);
    expect(allowed.type).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const outside = await httpGet(`${base}/metrics`, { localAddress: '127.0.0.2' });
    expect(outside.status).toBe(403);
    expect(outside.type).toMatch(/^application\/problem\+json/);
    const gateway = await t.keyFor('gateway');
    expect((await httpGet(`${base}/metrics`, { localAddress: '127.0.0.2', headers: bearer(gateway) })).status).toBe(403);
    const billing = await t.keyFor('billing');
    const withKey = await httpGet(`${base}/metrics`, { localAddress: '127.0.0.2', headers: bearer(billing) });
    expect(withKey.status).toBe(200);
    expect(sample(withKey.body, 'tpb_usage_events_accepted_total')).toBe(0);
  });

  it('counts events accepted by the API and recorded, duplicate and rejected (by reason) by the worker, exactly', async () => {
    const [e1, e2, e3] = [event('mx-1', 'm1', 10, 5), event('mx-1', 'm1', 20, 0), event('mx-1', 'm1', 30, 0)];
    await post([e1, e2, e3, event('mx-1', 'no-such-model', 1, 1)]); // 4 accepted: 3 recorded, 1 UNKNOWN_MODEL
    await post([e1, e2]); // 2 accepted, 2 duplicates
    await post([{ ...e3, inputTokens: 31 }]); // 1 accepted, DUPLICATE_CONFLICT
    const bad = await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(t.adminKey))
      .send({ events: [{ eventId: 'x' }] });
    expect(bad.status).toBe(400); // accepts nothing

    const text = await scrape();
    expect(sample(text, 'tpb_usage_events_accepted_total')).toBe(7);
    expect(sample(text, 'tpb_usage_events_recorded_total')).toBe(3);
    expect(sample(text, 'tpb_usage_events_duplicate_total')).toBe(2);
    expect(sample(text, 'tpb_usage_events_rejected_total', { reason: 'UNKNOWN_MODEL' })).toBe(1);
    expect(sample(text, 'tpb_usage_events_rejected_total', { reason: 'DUPLICATE_CONFLICT' })).toBe(1);
    expect(sample(text, 'tpb_usage_events_rejected_total', { reason: 'UNKNOWN_SUBSCRIBER' })).toBe(0);
    expect(sample(text, 'tpb_usage_batch_duration_seconds_count')).toBe(3); // one job per request here
  });

  it('observes every POST /v1/authorize in the latency histogram, by status', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await t.http().post('/v1/authorize').set(bearer(t.adminKey)).send({ subscriberId: 'mx-1', model: 'm1' })).status).toBe(200);
    }
    expect((await t.http().post('/v1/authorize').set(bearer(t.adminKey)).send({ subscriberId: 'mx-1' })).status).toBe(400);
    const text = await scrape();
    expect(sample(text, 'tpb_authorization_duration_seconds_count', { status: '200' })).toBe(3);
    expect(sample(text, 'tpb_authorization_duration_seconds_count', { status: '400' })).toBe(1);
    expect(sample(text, 'tpb_authorization_duration_seconds_bucket', { status: '200', le: '+Inf' })).toBe(3);
  });

  it('reports queue depth by state and the age of the oldest waiting job, read at scrape time', async () => {
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.usageEvents));
    await queue.pause(); // the worker takes nothing while the queue is paused
    const waiting = await queue.add(USAGE_BATCH_JOB, { events: [event('mx-1', 'm1', 1, 0)] }, { timestamp: Date.now() - 120_000 });
    const delayed = await queue.add(USAGE_BATCH_JOB, { events: [event('mx-1', 'm1', 1, 0)] }, { delay: 3_600_000 });
    try {
      const text = await scrape();
      expect(sample(text, 'tpb_queue_jobs', { queue: 'usage-events', state: 'waiting' })).toBe(1);
      expect(sample(text, 'tpb_queue_jobs', { queue: 'usage-events', state: 'delayed' })).toBe(1);
      expect(sample(text, 'tpb_queue_jobs', { queue: 'usage-events', state: 'active' })).toBe(0);
      expect(sample(text, 'tpb_queue_jobs', { queue: 'usage-events', state: 'failed' })).toBe(0);
      // added with a timestamp two minutes back: at least 120 s old, whenever the scrape ran
      expect(sample(text, 'tpb_queue_oldest_waiting_age_seconds', { queue: 'usage-events' })).toBeGreaterThanOrEqual(120);
      expect(sample(text, 'tpb_queue_oldest_waiting_age_seconds', { queue: 'settlement' })).toBe(0);
      expect(sample(text, 'tpb_metrics_source_up', { source: 'redis' })).toBe(1);
      // the all-in-one process owns the ten schedules of its workers, none missing: rating 2
      // (monthly, resume), settlement 1, maintenance 4 (idempotency purge, ledger partitions,
      // invoice change pruning, provider usage compaction), webhooks 1, alerts 1, reservations 1
      expect(sample(text, 'tpb_job_schedulers', { state: 'wanted' })).toBe(10);
      expect(sample(text, 'tpb_job_schedulers', { state: 'missing' })).toBe(0);
    } finally {
      await delayed.remove();
      await queue.resume();
    }
    await drainUsageQueue(t);
    expect(await queue.getJobState(waiting.id!)).toBe('completed');
  });

  it('reports the latest bill run progress, settlement batches by status and the default process metrics', async () => {
    const period = lastPeriod();
    const run = await t.http().post('/v1/rating-runs').set(bearer(t.adminKey)).send({ period });
    expect(run.status).toBe(201);
    let view: any;
    for (let i = 0; i < 300 && view?.status !== 'completed'; i++) {
      view = (await t.http().get(`/v1/rating-runs/${run.body.id}`).set(bearer(t.adminKey))).body;
      if (view.status !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(view.status).toBe('completed');
    const account = await createAccount(t);
    expect((await t.http().post(`/v1/accounts/${account}/adjustments`).set(bearer(t.adminKey)).send({ amountFen: 100, reason: 'r' })).status).toBe(201);
    expect((await t.http().post('/v1/settlement-batches').set(bearer(t.adminKey))).status).toBe(201);

    const text = await scrape();
    const labels = { period, status: 'completed' };
    expect(sample(text, 'tpb_rating_run_processed', labels)).toBe(view.progress.processed);
    expect(sample(text, 'tpb_rating_run_total', labels)).toBe(view.progress.total);
    expect(sample(text, 'tpb_settlement_batches', { status: 'ready' })).toBe(1);
    expect(sample(text, 'tpb_settlement_batches', { status: 'acknowledged' })).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });
});

describe('metrics of a worker process: its own /metrics listener on METRICS_PORT', () => {
  let w: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    w = await startTestApp({ APP_ROLE: 'worker', METRICS_PORT: String(port), METRICS_ALLOW: '127.0.0.1/32', METRICS_CACHE_MS: '0' });
  });
  afterAll(() => w.close());

  it('serves the worker counters to an allowed peer, refuses other peers without a key, and answers 404 elsewhere', async () => {
    const queue = w.app.get<Queue>(getQueueToken(QUEUES.usageEvents));
    await queue.add(USAGE_BATCH_JOB, { events: [event('nobody', 'm1', 1, 0)] }); // a direct producer's job
    await drainUsageQueue(w);
    const res = await httpGet(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(sample(res.body, 'tpb_usage_events_rejected_total', { reason: 'UNKNOWN_SUBSCRIBER' })).toBe(1);
    expect(sample(res.body, 'tpb_usage_events_recorded_total')).toBe(0);
    expect(sample(res.body, 'tpb_usage_batch_duration_seconds_count')).toBe(1);
    expect((await httpGet(`http://127.0.0.1:${port}/metrics`, { localAddress: '127.0.0.2' })).status).toBe(403);
    expect((await httpGet(`http://127.0.0.1:${port}/metrics`, { localAddress: '127.0.0.2', headers: bearer(w.adminKey) })).status).toBe(200);
    expect((await httpGet(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });

  it('lets a second worker on the same host and port start anyway, without a listener', async () => {
    expect(w.app.get(WorkerMetricsServer).port()).toBe(port);
    const second = await startTestApp({ APP_ROLE: 'worker', METRICS_PORT: String(port) });
    try {
      expect(second.app.get(WorkerMetricsServer).port()).toBeNull();
    } finally {
      await second.close();
    }
  });
});
