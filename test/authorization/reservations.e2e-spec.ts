import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { AuthorizationService } from '../../src/authorization/authorization.service';
import { QUEUES } from '../../src/queue/queue-names';
import { EXPIRE_RESERVATIONS, ReservationsProcessor } from '../../src/reservations/reservations.processor';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { drainUsageQueue, event } from '../support/usage';
import { authorize, balance, decision, lifecycle, planGrant } from './authorize-helpers';

/** Models have weights 1/1, so an event of n input tokens costs n credits. Figures follow SPEC §7 and §15. */
describe('reservations (POST /v1/authorize with reserve: true)', () => {
  let t: TestApp;
  let gateway: string;
  let accountId: string;
  let n = 0;
  const line = () => `86137000${String(++n).padStart(5, '0')}`;
  const reserve = (subscriberId: string, estimatedCredits: number) => decision(t, gateway, { subscriberId, model: 'm1', estimatedCredits, reserve: true });
  const ask = (subscriberId: string, estimatedCredits = 1) => decision(t, gateway, { subscriberId, model: 'm1', estimatedCredits });
  const release = (id: string, key = gateway) => t.http().post(`/v1/reservations/${id}/release`).set(bearer(key)).send();
  const usage = async (subscriberId: string, credits: number, reservationId?: string, eventId?: string) => {
    const e = { ...event(subscriberId, 'm1', credits, 0), ...(reservationId ? { reservationId } : {}), ...(eventId ? { eventId } : {}) };
    const res = await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(gateway))
      .send({ events: [e] });
    expect(res.status).toBe(202);
    await drainUsageQueue(t);
    return e;
  };
  const held = async (subscriptionId: string) => (await balance(t, subscriptionId)).heldCredits as number;
  const remaining = async (subscriptionId: string) =>
    ((await balance(t, subscriptionId)).buckets as { remainingCredits: number }[]).reduce((s, b) => s + b.remainingCredits, 0);

  beforeAll(async () => {
    t = await startTestApp();
    gateway = await t.keyFor('gateway');
    await createModel(t, 'm1');
    await createPlan(t, { code: 'block' });
    await createPlan(t, { code: 'fam', kind: 'family', maxMembers: 3 });
    // floor(10 fen × 1,000,000 / 7000 fen per million) = 1428 overage credits per cycle
    await createPlan(t, { code: 'payg-cap', overage: { mode: 'payg', ratePerMillionFen: 7000, capFen: 10 } });
    await createPlan(t, { code: 'payg-open', overage: { mode: 'payg', ratePerMillionFen: 500, capFen: null } });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('holds the estimate: it counts as spent for the next authorization and shows as heldCredits', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    const first = await reserve(who, granted - 100);
    expect(first).toMatchObject({ allowed: true, remainingCredits: 100, overageAllowed: false });
    expect(first.reservationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(first.reservationExpiresAt as string) - Date.now()).toBeGreaterThan(590_000);
    expect(await ask(who, 100)).toEqual({ allowed: true, remainingCredits: 100, overageAllowed: false });
    expect(await ask(who, 101)).toEqual({ allowed: false, reason: 'BALANCE_EXHAUSTED', remainingCredits: 100, overageAllowed: false });
    expect(await reserve(who, 101)).toEqual({ allowed: false, reason: 'BALANCE_EXHAUSTED', remainingCredits: 100, overageAllowed: false });
    expect(await held(sub.id)).toBe(granted - 100);
    expect(await remaining(sub.id)).toBe(granted);
  });

  it('a usage event with the reservationId charges the actual credits and releases the hold, once', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    const above = await reserve(who, 300);
    const below = await reserve(who, 300);
    expect(await held(sub.id)).toBe(600);
    const settling = await usage(who, 360, above.reservationId as string);
    expect(await held(sub.id)).toBe(300);
    await usage(who, 240, below.reservationId as string);
    expect(await held(sub.id)).toBe(0);
    expect(await remaining(sub.id)).toBe(granted - 600);
    // The same event again is a duplicate; another event naming a settled hold is charged and settles nothing.
    await usage(who, 360, above.reservationId as string, settling.eventId);
    await usage(who, 50, above.reservationId as string);
    expect(await remaining(sub.id)).toBe(granted - 650);
    const rows = await t.db.query(`SELECT closed_as, settled_event_id FROM reservations WHERE id = $1`, [above.reservationId]);
    expect(rows).toEqual([{ closed_as: 'settled', settled_event_id: settling.eventId }]);
    expect(await held(sub.id)).toBe(0);
  });

  it('a reservationId of another subscription, or not a uuid, settles nothing but the usage is charged', async () => {
    const [a, b] = [line(), line()];
    const subA = await subscribe(t, accountId, 'block', [{ subscriberId: a }]);
    const subB = await subscribe(t, accountId, 'block', [{ subscriberId: b }]);
    const hold = await reserve(a, 500);
    await usage(b, 70, hold.reservationId as string);
    await usage(a, 30, 'not-a-uuid');
    expect(await held(subA.id)).toBe(500);
    expect(await remaining(subB.id)).toBe((await planGrant(t, subB.id)) - 70);
  });

  it('POST /v1/reservations/{id}/release releases early; twice is a no-op; unknown is 404; account keys are 403', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const hold = await reserve(who, 400);
    const first = await release(hold.reservationId as string);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: hold.reservationId, status: 'released', credits: 400, subscriptionId: sub.id });
    expect(await held(sub.id)).toBe(0);
    const again = await release(hold.reservationId as string, t.adminKey);
    expect(again.status).toBe(200);
    expect(again.body.closedAt).toBe(first.body.closedAt);
    expect((await release('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await release('nope')).status).toBe(404);
    expect((await release(hold.reservationId as string, await t.keyFor(`account:${accountId}`))).status).toBe(403);
    // A settled hold stays settled when released afterwards.
    const settled = await reserve(who, 10);
    await usage(who, 10, settled.reservationId as string);
    expect((await release(settled.reservationId as string)).body).toMatchObject({ status: 'settled' });
  });

  it('GET /v1/reservations?subscriptionId= lists open holds for staff, paginated', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const ids: string[] = [];
    for (const c of [11, 12, 13]) ids.push((await reserve(who, c)).reservationId as string);
    await release(ids[1]);
    const page1 = await t.http().get(`/v1/reservations?subscriptionId=${sub.id}&limit=1`).set(bearer(t.adminKey));
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((r: { credits: number }) => r.credits)).toEqual([13]);
    const page2 = await t.http().get(`/v1/reservations?subscriptionId=${sub.id}&limit=1&cursor=${page1.body.nextCursor}`).set(bearer(t.adminKey));
    expect(page2.body).toMatchObject({ data: [{ credits: 11, status: 'open', subscriberId: who }], nextCursor: null });
    expect((await t.http().get(`/v1/reservations?subscriptionId=${sub.id}`).set(bearer(gateway))).status).toBe(403);
    const missing = await t.http().get(`/v1/reservations`).set(bearer(t.adminKey));
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].path).toBe('subscriptionId');
    expect((await t.http().get(`/v1/reservations?subscriptionId=00000000-0000-4000-8000-000000000000`).set(bearer(t.adminKey))).status).toBe(404);
  });

  it('a hold past its expiry stops counting at once; the scheduled job then closes it', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    const hold = await reserve(who, granted);
    const expiry = new Date(hold.reservationExpiresAt as string);
    const service = t.app.get(AuthorizationService);
    expect(await service.authorize({ subscriberId: who, model: 'm1' }, new Date(expiry.getTime() - 1))).toMatchObject({ reason: 'BALANCE_EXHAUSTED' });
    expect(await service.authorize({ subscriberId: who, model: 'm1' }, expiry)).toMatchObject({ allowed: true, remainingCredits: granted });
    const expirer = t.app.get(ReservationsProcessor);
    const state = async () => (await t.db.query(`SELECT closed_as FROM reservations WHERE id = $1`, [hold.reservationId]))[0].closed_as;
    await expirer.expireAll(new Date(expiry.getTime() - 1));
    expect(await state()).toBeNull();
    expect(await expirer.expireAll(expiry)).toBeGreaterThanOrEqual(1);
    expect(await state()).toBe('expired');
    expect((await release(hold.reservationId as string)).body.status).toBe('expired');
    const schedulers = await t.app.get<Queue>(getQueueToken(QUEUES.reservations)).getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain(EXPIRE_RESERVATIONS);
  });

  it('a suspended or ended subscription is refused with its reason and holds nothing', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    await lifecycle(t, sub.id, 'suspend');
    expect(await reserve(who, 10)).toMatchObject({ allowed: false, reason: 'SUBSCRIPTION_SUSPENDED' });
    await lifecycle(t, sub.id, 'terminate');
    expect((await reserve(who, 10)).allowed).toBe(false);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM reservations WHERE subscription_id = $1`, [sub.id]))[0].n).toBe(0);
  });

  it('member holds count toward the member cap; a hold must fit within the cap', async () => {
    const [capped, free] = [line(), line()];
    const sub = await subscribe(t, accountId, 'fam', [{ subscriberId: capped, monthlyCapCredits: 1000 }, { subscriberId: free }]);
    await usage(capped, 300);
    expect(await reserve(capped, 500)).toMatchObject({ allowed: true });
    expect(await reserve(capped, 201)).toMatchObject({ allowed: false, reason: 'MEMBER_CAP_REACHED' });
    expect(await reserve(capped, 200)).toMatchObject({ allowed: true });
    expect(await ask(capped)).toMatchObject({ allowed: false, reason: 'MEMBER_CAP_REACHED' });
    expect(await reserve(free, 5000)).toMatchObject({ allowed: true });
    expect(await held(sub.id)).toBe(5700);
  });

  it('payg: holds the buckets cannot cover take the spending cap room', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'payg-cap', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    expect(await reserve(who, granted + 1000)).toMatchObject({ allowed: true, remainingCredits: 0, overageAllowed: true });
    expect(await reserve(who, 429)).toMatchObject({ allowed: false, reason: 'SPENDING_CAP_REACHED' });
    expect(await reserve(who, 428)).toMatchObject({ allowed: true, overageAllowed: true });
    expect(await ask(who)).toEqual({ allowed: false, reason: 'SPENDING_CAP_REACHED', remainingCredits: 0, overageAllowed: false });
  });

  it('a reservation after the cycle ended rolls the subscription first and holds on the full new allowance', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const afterEnd = new Date(new Date(sub.cycle.end).getTime() + 60_000);
    const service = t.app.get(AuthorizationService);
    const answer = await service.authorize({ subscriberId: who, model: 'm1', estimatedCredits: 10_000_000, reserve: true }, afterEnd);
    expect(answer).toMatchObject({ allowed: true, remainingCredits: 0 });
    const [row] = await t.db.query(`SELECT c.start_at FROM subscriptions s JOIN cycles c ON c.id = s.current_cycle_id WHERE s.id = $1`, [sub.id]);
    expect(new Date(row.start_at).getTime()).toBe(new Date(sub.cycle.end).getTime());
  });

  it('holds summing past 2^53 on an uncapped payg plan never turn an answer or a usage batch into an error', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'payg-open', [{ subscriberId: who }]);
    for (let i = 0; i < 3; i++) expect(await reserve(who, Number.MAX_SAFE_INTEGER)).toMatchObject({ allowed: true });
    expect(await ask(who)).toEqual({ allowed: true, remainingCredits: 0, overageAllowed: true });
    expect(await held(sub.id)).toBe(Number.MAX_SAFE_INTEGER);
    await usage(who, 10);
    expect(await remaining(sub.id)).toBe((await planGrant(t, sub.id)) - 10);
  });

  it('alerts count holds as spent: nothing left to spend, a member cap taken by usage and holds', async () => {
    const [capped, other] = [line(), line()];
    const sub = await subscribe(t, accountId, 'fam', [{ subscriberId: capped, monthlyCapCredits: 1000 }, { subscriberId: other }]);
    const granted = await planGrant(t, sub.id);
    const kinds = async () =>
      ((await t.http().get(`/v1/alerts?subscriptionId=${sub.id}`).set(bearer(t.adminKey))).body.data as { kind: string }[]).map((a) => a.kind).sort();
    expect(await reserve(capped, 700)).toMatchObject({ allowed: true });
    await usage(capped, 300);
    expect(await kinds()).toEqual(['MEMBER_CAP_REACHED']);
    expect(await reserve(other, granted - 1000 - 50)).toMatchObject({ allowed: true });
    await usage(other, 50);
    expect(await kinds()).toEqual(['BALANCE_EXHAUSTED', 'MEMBER_CAP_REACHED']);
  });

  it('concurrent holds never share the last credits: of 40 simultaneous tenths, exactly 10 are held', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    const tenth = Math.floor(granted / 10);
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => authorize(t, gateway, { subscriberId: who, model: 'm1', estimatedCredits: tenth, reserve: true })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.allowed).length).toBe(10);
    expect(await held(sub.id)).toBe(10 * tenth);
  });
});
