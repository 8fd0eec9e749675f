import { AuthorizationRepository } from '../../src/authorization/authorization.repository';
import { AuthorizationService } from '../../src/authorization/authorization.service';
import { CycleRoller } from '../../src/subscriptions/cycle-roller.service';
import { TestApp, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { authorize, balance, consume, decision, lifecycle, planGrant } from './authorize-helpers';

/** Expectations are worked out by hand from the contract; models have weights 1/1, so credits = tokens. */
describe('POST /v1/authorize', () => {
  let t: TestApp;
  let gateway: string;
  let accountId: string;
  let n = 0;
  const line = () => `86136000${String(++n).padStart(5, '0')}`;
  const ask = (subscriberId: string, model = 'm1', extra: object = {}) => decision(t, gateway, { subscriberId, model, ...extra });
  const denied = (reason: string, remainingCredits: number, overageAllowed = false) => ({ allowed: false, reason, remainingCredits, overageAllowed });

  beforeAll(async () => {
    t = await startTestApp();
    gateway = await t.keyFor('gateway');
    for (const m of ['m1', 'm2', 'm-old']) await createModel(t, m);
    await createPlan(t, { code: 'solo-m1', models: ['m1'] });
    await createPlan(t, { code: 'block' });
    await createPlan(t, { code: 'fam', kind: 'family', maxMembers: 3 });
    // floor(10 fen × 1,000,000 / 7000 fen per million) = 1428 overage credits at most per cycle
    await createPlan(t, { code: 'payg-cap', overage: { mode: 'payg', ratePerMillionFen: 7000, capFen: 10 } });
    await createPlan(t, { code: 'payg-open', overage: { mode: 'payg', ratePerMillionFen: 500, capFen: null } });
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('allows a known subscriber; remainingCredits is the plan bucket after ingested usage', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    expect(await ask(who)).toEqual({ allowed: true, remainingCredits: granted, overageAllowed: false });
    await consume(t, gateway, who, 'm1', 1550);
    expect(await ask(who)).toEqual({ allowed: true, remainingCredits: granted - 1550, overageAllowed: false });
    expect((await balance(t, sub.id)).buckets[0].remainingCredits).toBe(granted - 1550);
  });

  it('UNKNOWN_SUBSCRIBER for a line without a current membership', async () => {
    expect(await ask('8619999999999')).toEqual(denied('UNKNOWN_SUBSCRIBER', 0));
  });

  it('UNKNOWN_MODEL for a model that does not exist or is retired', async () => {
    const who = line();
    const granted = await planGrant(t, (await subscribe(t, accountId, 'block', [{ subscriberId: who }])).id);
    expect(await ask(who, 'no-such-model')).toEqual(denied('UNKNOWN_MODEL', granted));
    expect(await ask(who, 'm-old')).toMatchObject({ allowed: true });
    const retire = await t.http().patch('/v1/models/m-old').set('Authorization', `Bearer ${t.adminKey}`).send({ status: 'retired' });
    expect(retire.status).toBe(200);
    expect(await ask(who, 'm-old')).toEqual(denied('UNKNOWN_MODEL', granted));
  });

  it('MODEL_NOT_IN_PLAN, checked before the subscription state', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'solo-m1', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    expect(await ask(who, 'm2')).toEqual(denied('MODEL_NOT_IN_PLAN', granted));
    await lifecycle(t, sub.id, 'suspend');
    expect(await ask(who, 'm1')).toEqual(denied('SUBSCRIPTION_SUSPENDED', granted));
    expect(await ask(who, 'm2')).toEqual(denied('MODEL_NOT_IN_PLAN', granted));
    await lifecycle(t, sub.id, 'resume');
    expect(await ask(who, 'm1')).toMatchObject({ allowed: true });
  });

  it('a cancelled subscription is usable until its cycle ends, then SUBSCRIPTION_ENDED', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    await lifecycle(t, sub.id, 'cancel');
    expect(await ask(who)).toEqual({ allowed: true, remainingCredits: granted, overageAllowed: false });
    const afterEnd = new Date(new Date(sub.cycle.end).getTime() + 60_000);
    const answer = await t.app.get(AuthorizationService).authorize({ subscriberId: who, model: 'm1' }, afterEnd);
    // Its plan bucket expired with the cycle: nothing is left.
    expect(answer).toEqual(denied('SUBSCRIPTION_ENDED', 0));
    expect((await t.db.query('SELECT status FROM subscriptions WHERE id = $1', [sub.id]))[0].status).toBe('ended');
  });

  it('SUBSCRIPTION_ENDED for the line of a terminated subscription, after the model checks', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'solo-m1', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    await lifecycle(t, sub.id, 'terminate');
    // The closed cycle's plan bucket still runs to the month's end, so its credits are "valid now".
    expect(await ask(who)).toEqual(denied('SUBSCRIPTION_ENDED', granted));
    expect(await ask(who, 'no-such-model')).toEqual(denied('UNKNOWN_MODEL', granted));
    expect(await ask(who, 'm2')).toEqual(denied('MODEL_NOT_IN_PLAN', granted));
    // Still one statement: the ended membership comes with the same snapshot query, nothing rolls.
    const snapshots = jest.spyOn(t.app.get(AuthorizationRepository), 'snapshot');
    const rolls = jest.spyOn(t.app.get(CycleRoller), 'rollNow');
    try {
      expect((await ask(who)).reason).toBe('SUBSCRIPTION_ENDED');
      expect([snapshots.mock.calls.length, rolls.mock.calls.length]).toEqual([1, 0]);
    } finally {
      snapshots.mockRestore();
      rolls.mockRestore();
    }
  });

  it('UNKNOWN_SUBSCRIBER for a line removed from a pool, even once that pool has ended', async () => {
    const [keep, leave] = [line(), line()];
    const sub = await subscribe(t, accountId, 'fam', [{ subscriberId: keep }, { subscriberId: leave }]);
    const removed = await t.http().delete(`/v1/subscriptions/${sub.id}/members/${leave}`).set('Authorization', `Bearer ${t.adminKey}`);
    expect(removed.status).toBe(200);
    expect(await ask(leave)).toEqual(denied('UNKNOWN_SUBSCRIBER', 0));
    await lifecycle(t, sub.id, 'terminate');
    expect(await ask(leave)).toEqual(denied('UNKNOWN_SUBSCRIBER', 0));
    expect(await ask(keep)).toMatchObject({ allowed: false, reason: 'SUBSCRIPTION_ENDED' });
  });

  it('a line whose subscription ended and that joined another one is decided by its current membership', async () => {
    const who = line();
    const first = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    await lifecycle(t, first.id, 'terminate');
    const second = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    expect(await ask(who)).toEqual({ allowed: true, remainingCredits: await planGrant(t, second.id), overageAllowed: false });
  });

  it('SUBSCRIPTION_ENDED when the line is still a current member of an ended subscription', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    await lifecycle(t, sub.id, 'terminate');
    expect(await ask(who)).toEqual(denied('SUBSCRIPTION_ENDED', granted));
    // Termination ends memberships in the same transaction; only a repair of the row can leave one current.
    await t.db.query('UPDATE members SET removed_at = NULL WHERE subscriber_id = $1', [who]);
    // The plan bucket still runs to the month's end, so its credits are still "valid now".
    expect(await ask(who)).toEqual(denied('SUBSCRIPTION_ENDED', granted));
  });

  it('rolls a subscription whose cycle has ended before deciding: a full, unprorated plan bucket', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    await consume(t, gateway, who, 'm1', 500);
    const afterEnd = new Date(new Date(sub.cycle.end).getTime() + 60_000);
    const answer = await t.app.get(AuthorizationService).authorize({ subscriberId: who, model: 'm1' }, afterEnd);
    // the second cycle gets the plan's whole 10,000,000 credits; no rollover on this plan
    expect(answer).toEqual({ allowed: true, remainingCredits: 10_000_000, overageAllowed: false });
    const cycles = await t.db.query('SELECT status FROM cycles WHERE subscription_id = $1 ORDER BY start_at', [sub.id]);
    expect(cycles.map((c: { status: string }) => c.status)).toEqual(['closed', 'open']);
  });

  it('MEMBER_CAP_REACHED at the cap, before an empty pool is BALANCE_EXHAUSTED', async () => {
    const [capped, free] = [line(), line()];
    const sub = await subscribe(t, accountId, 'fam', [{ subscriberId: capped, monthlyCapCredits: 100 }, { subscriberId: free }]);
    const granted = await planGrant(t, sub.id);
    await consume(t, gateway, capped, 'm1', 99);
    expect(await ask(capped)).toEqual({ allowed: true, remainingCredits: granted - 99, overageAllowed: false });
    await consume(t, gateway, capped, 'm1', 1);
    expect(await ask(capped)).toEqual(denied('MEMBER_CAP_REACHED', granted - 100));
    expect(await ask(free)).toMatchObject({ allowed: true, remainingCredits: granted - 100 });
    await consume(t, gateway, free, 'm1', granted - 100);
    expect(await ask(capped)).toEqual(denied('MEMBER_CAP_REACHED', 0));
    expect(await ask(free)).toEqual(denied('BALANCE_EXHAUSTED', 0));
  });

  it('block plan: BALANCE_EXHAUSTED when the estimate exceeds what is left, allowed when covered', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    await consume(t, gateway, who, 'm1', granted - 400);
    expect(await ask(who, 'm1', { estimatedCredits: 401 })).toEqual(denied('BALANCE_EXHAUSTED', 400));
    expect(await ask(who, 'm1', { estimatedCredits: 400 })).toEqual({ allowed: true, remainingCredits: 400, overageAllowed: false });
    expect(await ask(who)).toEqual({ allowed: true, remainingCredits: 400, overageAllowed: false });
    await consume(t, gateway, who, 'm1', 400);
    expect(await ask(who)).toEqual(denied('BALANCE_EXHAUSTED', 0));
  });

  it('payg plan with a cap: allowed past zero until the cycle overage reaches the cap, then SPENDING_CAP_REACHED', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'payg-cap', [{ subscriberId: who }]);
    const granted = await planGrant(t, sub.id);
    expect(await ask(who, 'm1', { estimatedCredits: granted + 5000 })).toEqual({ allowed: true, remainingCredits: granted, overageAllowed: true });
    await consume(t, gateway, who, 'm1', granted + 1427);
    expect((await balance(t, sub.id)).overageCredits).toBe(1427);
    expect(await ask(who, 'm1', { estimatedCredits: 5000 })).toEqual({ allowed: true, remainingCredits: 0, overageAllowed: true });
    await consume(t, gateway, who, 'm1', 1);
    expect((await balance(t, sub.id)).overageCredits).toBe(1428);
    expect(await ask(who)).toEqual(denied('SPENDING_CAP_REACHED', 0));
  });

  it('payg plan without a cap: overage is always allowed', async () => {
    const who = line();
    const sub = await subscribe(t, accountId, 'payg-open', [{ subscriberId: who }]);
    await consume(t, gateway, who, 'm1', (await planGrant(t, sub.id)) + 10);
    expect(await ask(who, 'm1', { estimatedCredits: 1_000_000 })).toEqual({ allowed: true, remainingCredits: 0, overageAllowed: true });
  });

  it('is open to gateway, billing and admin keys only, and writes no audit entry', async () => {
    const who = line();
    await subscribe(t, accountId, 'block', [{ subscriberId: who }]);
    const audits = async () => Number((await t.db.query('SELECT count(*) n FROM audit_log'))[0].n);
    const [billing, partner] = [await t.keyFor('billing'), await t.keyFor(`account:${accountId}`)];
    const before = await audits();
    for (const key of [gateway, billing, t.adminKey]) {
      expect((await authorize(t, key, { subscriberId: who, model: 'm1' })).status).toBe(200);
    }
    expect(await audits()).toBe(before);
    expect((await authorize(t, partner, { subscriberId: who, model: 'm1' })).status).toBe(403);
    expect((await t.http().post('/v1/authorize').send({ subscriberId: who, model: 'm1' })).status).toBe(401);
  });

  it('400 names each bad field', async () => {
    const paths = async (body: object) => {
      const res = await authorize(t, gateway, body);
      expect(res.status).toBe(400);
      return [...new Set(res.body.errors.map((e: { path: string }) => e.path))];
    };
    const base = { subscriberId: line(), model: 'm1' };
    expect(await paths({ ...base, estimatedCredits: 0 })).toEqual(['estimatedCredits']);
    expect(await paths({ ...base, estimatedCredits: '5' })).toEqual(['estimatedCredits']);
    expect(await paths({ ...base, estimatedCredits: 1.5 })).toEqual(['estimatedCredits']);
    expect(await paths({ ...base, extra: 1 })).toEqual(['extra']);
    expect(await paths({ model: 'm1' })).toEqual(['subscriberId']);
    expect(await paths({ ...base, reserve: 'yes' })).toEqual(['reserve']);
    const noEstimate = await authorize(t, gateway, { ...base, reserve: true });
    expect(noEstimate.body.errors).toEqual([{ path: 'estimatedCredits', message: 'estimatedCredits is required when reserve is true' }]);
    expect(await paths({ ...base, reserve: true, estimatedCredits: null })).toEqual(['estimatedCredits']);
    expect((await authorize(t, gateway, { ...base, reserve: false })).status).toBe(200);
  });
});
