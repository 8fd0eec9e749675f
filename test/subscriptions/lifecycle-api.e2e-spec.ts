import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createPlan, subscribe, tableCounts } from '../support/fixtures';

const TABLES = ['subscriptions', 'members', 'cycles', 'buckets'];

describe('subscriptions API: lifecycle, members and bad input', () => {
  let t: TestApp;
  let accountId: string;
  let n = 0;
  const line = () => `86137000${String(++n).padStart(5, '0')}`;
  const post = (path: string, body?: object) => t.http().post(path).set(bearer(t.adminKey)).send(body);

  beforeAll(async () => {
    t = await startTestApp();
    await createPlan(t, { code: 'solo' });
    await createPlan(t, { code: 'fam3', kind: 'family', maxMembers: 3, monthlyFeeFen: 2990, allowanceCredits: 40_000_000 });
    await createPlan(t, { code: 'old' });
    const retire = await t.http().patch('/v1/plans/old').set(bearer(t.adminKey)).send({ status: 'retired' });
    expect(retire.status).toBe(200);
    accountId = await createAccount(t);
  });
  afterAll(() => t.close());

  it('walks the legal transitions and refuses the illegal ones with a 409 naming the state', async () => {
    const sub = await subscribe(t, accountId, 'solo', [{ subscriberId: line() }]);
    expect(sub.status).toBe('active');
    expect((await post(`/v1/subscriptions/${sub.id}/resume`)).body).toMatchObject({ status: 409, detail: expect.stringContaining('active') });
    expect((await post(`/v1/subscriptions/${sub.id}/suspend`)).body.status).toBe('suspended');
    const again = await post(`/v1/subscriptions/${sub.id}/suspend`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('suspended');
    expect((await post(`/v1/subscriptions/${sub.id}/resume`)).body.status).toBe('active');
    expect((await post(`/v1/subscriptions/${sub.id}/cancel`)).body.status).toBe('cancelled');
    for (const step of ['suspend', 'resume', 'cancel']) {
      const res = await post(`/v1/subscriptions/${sub.id}/${step}`);
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain('cancelled');
    }
    expect((await post(`/v1/subscriptions/${sub.id}/change-plan`, { planCode: 'fam3' })).status).toBe(409);
    expect((await post(`/v1/subscriptions/${sub.id}/terminate`)).body.status).toBe('ended');
    for (const step of ['suspend', 'resume', 'cancel', 'terminate']) {
      const res = await post(`/v1/subscriptions/${sub.id}/${step}`);
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain('ended');
    }
  });

  it('manages family members up to maxMembers and releases a removed line', async () => {
    const [a, b, c, d] = [line(), line(), line(), line()];
    const fam = await subscribe(t, accountId, 'fam3', [{ subscriberId: a }]);
    expect((await post(`/v1/subscriptions/${fam.id}/members`, { subscriberId: b, monthlyCapCredits: 1_000_000 })).status).toBe(201);
    expect((await post(`/v1/subscriptions/${fam.id}/members`, { subscriberId: c })).status).toBe(201);
    const full = await post(`/v1/subscriptions/${fam.id}/members`, { subscriberId: d });
    expect(full.status).toBe(409);
    const dup = await post(`/v1/subscriptions/${fam.id}/members`, { subscriberId: a });
    expect(dup.status).toBe(409);
    const removed = await t.http().delete(`/v1/subscriptions/${fam.id}/members/${b}`).set(bearer(t.adminKey));
    expect(removed.status).toBe(200);
    expect(removed.body.members.map((m: { subscriberId: string }) => m.subscriberId)).toEqual([a, c]);
    expect((await t.http().delete(`/v1/subscriptions/${fam.id}/members/${b}`).set(bearer(t.adminKey))).status).toBe(404);
    // The removed line may join another subscription from now on.
    const solo = await subscribe(t, accountId, 'solo', [{ subscriberId: b }]);
    expect(solo.members[0].subscriberId).toBe(b);
  });

  it('a personal plan keeps its one member', async () => {
    const x = line();
    const sub = await subscribe(t, accountId, 'solo', [{ subscriberId: x }]);
    expect((await post(`/v1/subscriptions/${sub.id}/members`, { subscriberId: line() })).status).toBe(409);
    expect((await t.http().delete(`/v1/subscriptions/${sub.id}/members/${x}`).set(bearer(t.adminKey))).status).toBe(409);
  });

  it('a subscriberId belongs to one non-ended subscription: 409', async () => {
    const x = line();
    await subscribe(t, accountId, 'solo', [{ subscriberId: x }]);
    const res = await post('/v1/subscriptions', { accountId, planCode: 'fam3', members: [{ subscriberId: x }] });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(x);
  });

  it('change-plan to a plan with too few member slots is a 409; to an unknown plan a 400', async () => {
    const fam = await subscribe(t, accountId, 'fam3', [{ subscriberId: line() }, { subscriberId: line() }]);
    expect((await post(`/v1/subscriptions/${fam.id}/change-plan`, { planCode: 'solo' })).status).toBe(409);
    const unknown = await post(`/v1/subscriptions/${fam.id}/change-plan`, { planCode: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('planCode');
  });

  describe('bad input is a 400 or 409 and writes nothing', () => {
    const bad: [string, () => object, number, string][] = [
      ['unknown account', () => ({ accountId: '6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11', planCode: 'solo', members: [{ subscriberId: '1' }] }), 400, 'accountId'],
      ['unknown plan', () => ({ accountId, planCode: 'nope', members: [{ subscriberId: '1' }] }), 400, 'planCode'],
      ['retired plan', () => ({ accountId, planCode: 'old', members: [{ subscriberId: '1' }] }), 409, ''],
      ['start in the future', () => ({ accountId, planCode: 'solo', startAt: '2999-01-01T00:00:00Z', members: [{ subscriberId: '1' }] }), 400, 'startAt'],
      ['start without offset', () => ({ accountId, planCode: 'solo', startAt: '2026-01-01T00:00:00', members: [{ subscriberId: '1' }] }), 400, 'startAt'],
      ['personal with two members', () => ({ accountId, planCode: 'solo', members: [{ subscriberId: '1' }, { subscriberId: '2' }] }), 400, 'members'],
      ['same line twice', () => ({ accountId, planCode: 'fam3', members: [{ subscriberId: '1' }, { subscriberId: '1' }] }), 400, 'members[1].subscriberId'],
      [
        'cap as a string',
        () => ({ accountId, planCode: 'fam3', members: [{ subscriberId: '1', monthlyCapCredits: '5' }] }),
        400,
        'members[0].monthlyCapCredits',
      ],
      ['bad subscriberId', () => ({ accountId, planCode: 'solo', members: [{ subscriberId: ' x' }] }), 400, 'members[0].subscriberId'],
      ['unknown field', () => ({ accountId, planCode: 'solo', members: [{ subscriberId: '1' }], vip: true }), 400, 'vip'],
      ['members missing', () => ({ accountId, planCode: 'solo' }), 400, 'members'],
    ];
    it.each(bad)('%s', async (_name, body, status, path) => {
      const before = await tableCounts(t, TABLES);
      const res = await post('/v1/subscriptions', body());
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await tableCounts(t, TABLES)).toEqual(before);
    });
  });

  it('unknown and malformed subscription ids are 404', async () => {
    expect((await t.http().get('/v1/subscriptions/6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11').set(bearer(t.adminKey))).status).toBe(404);
    expect((await post('/v1/subscriptions/zzz/cancel')).status).toBe(404);
  });

  it('an account-scoped key sees its own subscriptions only; the gateway none', async () => {
    const own = await createAccount(t);
    const other = await createAccount(t);
    const mine = await subscribe(t, own, 'solo', [{ subscriberId: line() }]);
    const theirs = await subscribe(t, other, 'solo', [{ subscriberId: line() }]);
    const key = await t.keyFor(`account:${own}`);
    expect((await t.http().get(`/v1/subscriptions/${mine.id}/balance`).set(bearer(key))).status).toBe(200);
    expect((await t.http().get(`/v1/subscriptions/${theirs.id}/balance`).set(bearer(key))).status).toBe(404);
    expect((await t.http().get(`/v1/accounts/${other}`).set(bearer(key))).status).toBe(404);
    const list = await t.http().get('/v1/subscriptions').set(bearer(key));
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    expect((await t.http().post(`/v1/subscriptions/${mine.id}/cancel`).set(bearer(key))).status).toBe(403);
    const gateway = await t.keyFor('gateway');
    expect((await t.http().get(`/v1/subscriptions/${mine.id}`).set(bearer(gateway))).status).toBe(403);
  });

  it('accounts: duplicate externalRef is a 409', async () => {
    const first = await post('/v1/accounts', { externalRef: 'DUP-1', type: 'enterprise', name: 'Acme' });
    expect(first.status).toBe(201);
    const second = await post('/v1/accounts', { externalRef: 'DUP-1', type: 'individual', name: 'Other' });
    expect(second.status).toBe(409);
  });
});
