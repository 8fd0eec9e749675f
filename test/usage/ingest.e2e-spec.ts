import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QUEUES } from '../../src/queue/queue-names';
import { UsageEnqueuer } from '../../src/usage/usage-enqueuer.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';

describe('usage ingestion through the API and the worker', () => {
  let t: TestApp;
  let gateway: string;
  let accountId: string;
  let n = 0;
  const line = () => `86135000${String(++n).padStart(5, '0')}`;
  const send = async (events: object[]) => {
    const res = await t.http().post('/v1/usage-events').set(bearer(gateway)).send({ events });
    expect(res.status).toBe(202);
    await drainUsageQueue(t);
    return res;
  };
  const balance = async (id: string) => (await t.http().get(`/v1/subscriptions/${id}/balance`).set(bearer(t.adminKey))).body;
  const rejected = async (eventId: string) => t.db.query('SELECT reason FROM rejected_usage WHERE event_id = $1', [eventId]);

  beforeAll(async () => {
    t = await startTestApp();
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createModel(t, 'm2');
    await createPlan(t, { code: 'solo', models: ['m1'] });
    await createPlan(t, { code: 'tiny', models: ['*'], allowanceCredits: 1000, monthlyFeeFen: 100 });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('records an event once: credits = ceil(in × 1 + out × 1), drawn from the plan bucket', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'solo', [{ subscriberId: who }]);
    const granted = (await balance(sub.id)).buckets[0].grantedCredits;
    const e = event(who, 'm1', 1200, 350);
    await send([e, e]);
    await send([e]);
    const b = await balance(sub.id);
    // 1200 × 1 + 350 × 1 = 1550 credits, once, whatever the repeats
    expect(b.buckets[0].remainingCredits).toBe(granted - 1550);
    expect(b.members[0].usedCredits).toBe(1550);
    const rows = await t.db.query('SELECT credits, bucket_credits, late FROM usage_ledger WHERE event_id = $1', [e.eventId]);
    expect(rows).toEqual([{ credits: '1550', bucket_credits: '1550', late: false }]);
  });

  it('rejects a reused eventId with another body as DUPLICATE_CONFLICT and keeps the first', async () => {
    const who = line();
    await subscribe(t, accountId, 'solo', [{ subscriberId: who }]);
    const e = event(who, 'm1', 10, 10);
    await send([e]);
    await send([{ ...e, inputTokens: 11 }]);
    expect(await rejected(e.eventId)).toEqual([{ reason: 'DUPLICATE_CONFLICT' }]);
    expect((await t.db.query('SELECT input_tokens FROM usage_ledger WHERE event_id = $1', [e.eventId]))[0].input_tokens).toBe('10');
  });

  it('rejects with each reason code', async () => {
    const who = line();
    await subscribe(t, accountId, 'solo', [{ subscriberId: who }]);
    const cases = [
      [event('8619999999999', 'm1', 1, 1), 'UNKNOWN_SUBSCRIBER'],
      [event(who, 'no-such-model', 1, 1), 'UNKNOWN_MODEL'],
      [event(who, 'm2', 1, 1), 'MODEL_NOT_IN_PLAN'],
      [event(who, 'm1', 1, 1, new Date(Date.now() + 10 * 60_000)), 'FUTURE_EVENT'],
      [event(who, 'm1', 1, 1, new Date(Date.now() - 91 * 86_400_000)), 'TOO_OLD'],
      [event(who, 'm1', 1, 1, new Date(Date.now() - 86_400_000 * 2)), 'TOO_OLD'],
    ] as const;
    await send(cases.map(([e]) => e));
    for (const [e, reason] of cases) expect(await rejected(e.eventId)).toEqual([{ reason }]);
  });

  it('a block plan records what the buckets cannot cover as unbilled credits', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'tiny', [{ subscriberId: who }]);
    const granted = (await balance(sub.id)).buckets[0].grantedCredits;
    await send([event(who, 'm1', granted, 500)]);
    const b = await balance(sub.id);
    expect(b.buckets[0].remainingCredits).toBe(0);
    expect(b.unbilledCredits).toBe(500);
    expect(b.overageCredits).toBe(0);
  });

  it('400 names every bad index and enqueues nothing', async () => {
    const good = event(line(), 'm1', 1, 1);
    const res = await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(gateway))
      .send({ events: [good, { ...good, inputTokens: '5' }, { ...good, occurredAt: 'yesterday' }, { ...good, extra: 1 }] });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['events[1].inputTokens', 'events[2].occurredAt', 'events[3].extra']));
    await drainUsageQueue(t);
    expect(await t.db.query('SELECT 1 FROM usage_event_ids WHERE event_id = $1', [good.eventId])).toEqual([]);
  });

  describe('merging requests into queue jobs', () => {
    const jobsHolding = async (eventIds: string[]) => {
      const queue = t.app.get<Queue>(getQueueToken(QUEUES.usageEvents));
      const jobs = await queue.getJobs(['waiting', 'active', 'completed'], 0, 50);
      return jobs.filter((j) => (j.data.events as { eventId: string }[]).some((e) => eventIds.includes(e.eventId)));
    };

    it('requests that arrive together become one job, in arrival order, each event recorded once', async () => {
      const who = line();
      const sub = await subscribe(t, accountId, 'solo', [{ subscriberId: who }]);
      const granted = (await balance(sub.id)).buckets[0].grantedCredits;
      const [a, b, c] = [event(who, 'm1', 100, 0), event(who, 'm1', 20, 0), event(who, 'm1', 3, 0)];
      const enqueuer = t.app.get(UsageEnqueuer);
      await Promise.all([enqueuer.enqueue([a, b]), enqueuer.enqueue([b, c]), enqueuer.enqueue([c])]);
      const jobs = await jobsHolding([a.eventId, b.eventId, c.eventId]);
      expect(jobs.map((j) => (j.data.events as { eventId: string }[]).map((e) => e.eventId))).toEqual([
        [a.eventId, b.eventId, b.eventId, c.eventId, c.eventId],
      ]);
      await drainUsageQueue(t);
      expect((await balance(sub.id)).buckets[0].remainingCredits).toBe(granted - 123);
    });

    it('starts another job rather than exceed the most events a job may hold', async () => {
      const who = line();
      await subscribe(t, accountId, 'solo', [{ subscriberId: who }]);
      const batch = () => Array.from({ length: 1000 }, () => event(who, 'm1', 1, 0));
      const requests = [batch(), batch(), batch(), batch(), batch(), batch()];
      const enqueuer = t.app.get(UsageEnqueuer);
      await Promise.all(requests.map((r) => enqueuer.enqueue(r)));
      const jobs = await jobsHolding(requests.flat().map((e) => e.eventId));
      expect(jobs.map((j) => j.data.events.length).sort()).toEqual([1000, 5000]);
      await drainUsageQueue(t);
      const [{ n: recorded }] = await t.db.query('SELECT count(*)::int AS n FROM usage_ledger WHERE subscriber_id = $1', [who]);
      expect(recorded).toBe(6000);
    });

    it('merged HTTP requests are each answered 202, and each event is recorded once', async () => {
      const who = line();
      const sub = await subscribe(t, accountId, 'solo', [{ subscriberId: who }]);
      const granted = (await balance(sub.id)).buckets[0].grantedCredits;
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          t
            .http()
            .post('/v1/usage-events')
            .set(bearer(gateway))
            .send({ events: [event(who, 'm1', 5, 0)] }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(202));
      await drainUsageQueue(t);
      expect((await balance(sub.id)).buckets[0].remainingCredits).toBe(granted - 40);
    });
  });
});
