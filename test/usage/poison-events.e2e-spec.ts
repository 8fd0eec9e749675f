import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QUEUES } from '../../src/queue/queue-names';
import { MAX_EVENT_TOKENS } from '../../src/usage/dto/usage-event.dto';
import { USAGE_BATCH_JOB } from '../../src/usage/usage-job';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';

/** One bad event never costs the good events it travels with. */
describe('poison usage events', () => {
  let t: TestApp;
  let queue: Queue;
  let n = 0;
  const line = () => `86136000${String(++n).padStart(5, '0')}`;
  const subscriber = async () => {
    const who = line();
    await subscribe(t, await createAccount(t), 'solo', [{ subscriberId: who }]);
    return who;
  };
  const ledgerCount = async (ids: string[]) => (await t.db.query('SELECT count(*)::int AS n FROM usage_ledger WHERE event_id = ANY($1)', [ids]))[0].n as number;
  const unrecordable = async () => t.db.query(`SELECT event_id, event, event_text FROM rejected_usage WHERE reason = 'UNRECORDABLE' ORDER BY event_id`);

  beforeAll(async () => {
    t = await startTestApp();
    queue = t.app.get<Queue>(getQueueToken(QUEUES.usageEvents));
    await createModel(t, 'm1');
    await createPlan(t, { code: 'solo', models: ['m1'] });
  });
  afterAll(() => t.close());

  it('the API refuses the whole request with a 400 naming the index, and accepts none of it', async () => {
    const who = await subscriber();
    const good = event(who, 'm1', 1, 1);
    const bad = { ...event(who, 'm1', 1, 1), metadata: { note: 'a\u0000b' } };
    const gateway = await t.keyFor('gateway');
    const res = await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(gateway))
      .send({ events: [good, bad] });
    expect(res.status).toBe(400);
    // the text rule of every request names the exact field inside metadata
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['events[1].metadata.note']);
    await drainUsageQueue(t);
    expect(await ledgerCount([good.eventId])).toBe(0);
  });

  it('a job from a direct producer records every good event once and sets the bad ones aside as UNRECORDABLE', async () => {
    const who = await subscriber();
    const good = Array.from({ length: 3000 }, () => event(who, 'm1', 2, 1));
    const poison = [
      { ...event(who, 'm1', 1, 1), eventId: 'poison-nul', metadata: { note: 'a\u0000b' } },
      { ...event(who, 'm1', 1, 1), eventId: 'poison-surrogate', requestId: 'r\uD800' },
      { ...event(who, 'm1', 1, 1), eventId: 'poison-tokens', inputTokens: MAX_EVENT_TOKENS + 1 },
    ];
    const events = [...good.slice(0, 1000), poison[0], ...good.slice(1000, 2000), poison[1], ...good.slice(2000), poison[2]];
    const job = await queue.add(USAGE_BATCH_JOB, { events });
    await drainUsageQueue(t, 40000);
    expect(await queue.getJobState(job.id!)).toBe('completed');
    expect(await ledgerCount(good.map((e) => e.eventId))).toBe(3000);
    const rows = await unrecordable();
    expect(rows.map((r: { event_id: string }) => r.event_id)).toEqual(['poison-nul', 'poison-surrogate', 'poison-tokens']);
    expect(JSON.parse(rows[0].event_text)).toEqual(poison[0]);
    // Redelivered, the same job writes nothing twice.
    await queue.add(USAGE_BATCH_JOB, { events });
    await drainUsageQueue(t, 40000);
    expect(await ledgerCount(good.map((e) => e.eventId))).toBe(3000);
    expect(await unrecordable()).toHaveLength(3);
  });

  it('an event the database refuses is isolated by splitting the job; every other event is recorded once', async () => {
    const who = await subscriber();
    // A real refusal by PostgreSQL tied to one row's data (SQLSTATE 23514), for one event id.
    await t.db.query(`ALTER TABLE usage_ledger ADD CONSTRAINT test_poison CHECK (event_id <> 'poison-db')`);
    try {
      const good = Array.from({ length: 2000 }, () => event(who, 'm1', 3, 0));
      const poison = { ...event(who, 'm1', 1, 0), eventId: 'poison-db' };
      const job = await queue.add(USAGE_BATCH_JOB, { events: [...good.slice(0, 1234), poison, ...good.slice(1234)] });
      await drainUsageQueue(t, 40000);
      expect(await queue.getJobState(job.id!)).toBe('completed');
      expect(await ledgerCount(good.map((e) => e.eventId))).toBe(2000);
      const [{ used }] = await t.db.query(`SELECT sum(credits)::int AS used FROM usage_ledger WHERE subscriber_id = $1`, [who]);
      expect(used).toBe(2000 * 3);
      const rows = await t.db.query(`SELECT event_id FROM rejected_usage WHERE reason = 'UNRECORDABLE' AND event_id = 'poison-db'`);
      expect(rows).toHaveLength(1);
    } finally {
      await t.db.query(`ALTER TABLE usage_ledger DROP CONSTRAINT test_poison`);
    }
  });

  it('a plan whose terms would overflow the billing rules is refused at creation with a 400', async () => {
    const plan = (code: string, capFen: number, allowanceCredits = 1000, maxCredits = 0) => ({
      code,
      name: code,
      kind: 'personal',
      monthlyFeeFen: 100,
      allowanceCredits,
      models: ['*'],
      maxMembers: 1,
      overage: { mode: 'payg', ratePerMillionFen: 1, capFen },
      rollover: { percent: 10, maxCredits },
    });
    const post = (body: object) => t.http().post('/v1/plans').set(bearer(t.adminKey)).send(body);
    const cap = await post(plan('huge-cap', 9_007_199_255));
    expect([cap.status, cap.body.errors]).toEqual([400, [expect.objectContaining({ path: 'overage.capFen' })]]);
    const roll = await post(plan('huge-roll', 1, Number.MAX_SAFE_INTEGER, 1));
    expect([roll.status, roll.body.errors]).toEqual([400, [expect.objectContaining({ path: 'rollover.maxCredits' })]]);
    expect((await post(plan('just-fits', 9_007_199_254))).status).toBe(201);
  });

  it('an UNRECORDABLE row can be listed but is never retried', async () => {
    const gateway = t.adminKey;
    const list = await t.http().get('/v1/rejected-usage?reason=UNRECORDABLE').set(bearer(gateway));
    expect(list.status).toBe(200);
    const row = list.body.data.find((r: { eventId: string }) => r.eventId === 'poison-nul');
    expect(row.event.metadata).toEqual({ note: 'a\u0000b' });
    const retry = await t.http().post(`/v1/rejected-usage/${row.id}/retry`).set(bearer(gateway));
    expect(retry.status).toBe(409);
  });
});
