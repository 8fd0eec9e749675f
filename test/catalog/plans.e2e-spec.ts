import { DomainException } from '../../src/common/http/domain.exception';
import { PlansService } from '../../src/catalog/plans.service';
import { TestApp, startTestApp } from '../support/test-app';
import { ISO_UTC, UNSAFE, catalogCounts, expectBadField, get, patch, post, walkCodes, withKey, without } from './catalog-helpers';

const FAMILY = {
  code: 'family-5',
  name: 'Family share, 5 lines',
  kind: 'family',
  monthlyFeeFen: 2990,
  allowanceCredits: 40_000_000,
  models: ['m-pro', 'm-cheap'],
  maxMembers: 5,
  overage: { mode: 'payg', ratePerMillionFen: 300, capFen: 5000 },
  rollover: { percent: 30, maxCredits: 12_000_000 },
};

const PERSONAL = {
  ...FAMILY,
  code: 'personal-9.9',
  name: 'Personal 9.9',
  kind: 'personal',
  monthlyFeeFen: 990,
  allowanceCredits: 10_000_000,
  models: ['*'],
  maxMembers: 1,
  overage: { mode: 'block', ratePerMillionFen: 0, capFen: null },
  rollover: { percent: 50, maxCredits: 5_000_000 },
};

const overage = (terms: object) => ({ ...FAMILY, overage: { ...FAMILY.overage, ...terms } });
const rollover = (terms: object) => ({ ...FAMILY, rollover: { ...FAMILY.rollover, ...terms } });

describe('catalog: plans', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await post(t, '/v1/providers', { code: 'p', name: 'Provider' });
    for (const code of ['m-pro', 'm-cheap']) {
      const model = {
        code,
        providerCode: 'p',
        inputWeight: '1',
        outputWeight: '4',
        providerInputPricePerMillionFen: 200,
        providerOutputPricePerMillionFen: 800,
      };
      expect((await post(t, '/v1/models', model)).status).toBe(201);
    }
    expect((await post(t, '/v1/plans', FAMILY)).status).toBe(201);
  });
  afterAll(() => t.close());

  it('creates a plan; the answer mirrors the request plus status and timestamps', async () => {
    const res = await post(t, '/v1/plans', PERSONAL);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ...PERSONAL, status: 'active', createdAt: expect.stringMatching(ISO_UTC), updatedAt: expect.stringMatching(ISO_UTC) });
    expect((await get(t, '/v1/plans/personal-9.9')).body).toEqual(res.body);
    const [row] = await t.db.query(`SELECT monthly_fee_fen, allowance_credits, overage_cap_fen, models FROM plans WHERE code = 'personal-9.9'`);
    expect(row).toEqual({ monthly_fee_fen: '990', allowance_credits: '10000000', overage_cap_fen: null, models: ['*'] });
  });

  it('keeps the listed models and nested terms of a family plan', async () => {
    expect((await get(t, '/v1/plans/family-5')).body).toMatchObject(FAMILY);
  });

  it('lists plans in code order across pages', async () => {
    await post(t, '/v1/plans', {
      ...FAMILY,
      code: 'business-pool-s',
      kind: 'business',
      maxMembers: 50,
      overage: { mode: 'payg', ratePerMillionFen: 250, capFen: null },
    });
    expect(await walkCodes(t, '/v1/plans', 2)).toEqual(['business-pool-s', 'family-5', 'personal-9.9']);
  });

  it('answers 404 for an unknown plan and 409 for a duplicate code', async () => {
    expect((await get(t, '/v1/plans/nope')).status).toBe(404);
    const before = await catalogCounts(t);
    const dup = await post(t, '/v1/plans', { ...FAMILY, monthlyFeeFen: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('DUPLICATE_CODE');
    expect(await catalogCounts(t)).toEqual(before);
  });

  it.each([
    ['code', 'with a space', withKey(FAMILY, 'code', 'family 5')],
    ['name', 'empty', withKey(FAMILY, 'name', '')],
    ['name', 'with a control character', withKey(FAMILY, 'name', 'a\u0007b')],
    ['kind', 'unknown', withKey(FAMILY, 'kind', 'corporate')],
    ['monthlyFeeFen', 'as a string', withKey(FAMILY, 'monthlyFeeFen', '2990')],
    ['monthlyFeeFen', 'fractional', withKey(FAMILY, 'monthlyFeeFen', 29.9)],
    ['monthlyFeeFen', 'negative', withKey(FAMILY, 'monthlyFeeFen', -1)],
    ['monthlyFeeFen', 'a boolean', withKey(FAMILY, 'monthlyFeeFen', true)],
    ['monthlyFeeFen', 'an array', withKey(FAMILY, 'monthlyFeeFen', [1])],
    ['monthlyFeeFen', 'unsafe 2^53+1', withKey(FAMILY, 'monthlyFeeFen', UNSAFE)],
    ['allowanceCredits', 'missing', without(FAMILY, 'allowanceCredits')],
    ['models', 'empty', withKey(FAMILY, 'models', [])],
    ['models', 'a string', withKey(FAMILY, 'models', 'm-pro')],
    ['models', '"*" with a code', withKey(FAMILY, 'models', ['*', 'm-pro'])],
    ['models', 'with a duplicate', withKey(FAMILY, 'models', ['m-pro', 'm-pro'])],
    ['models', 'with a number', withKey(FAMILY, 'models', [1])],
    ['models[1]', 'with an unknown model', withKey(FAMILY, 'models', ['m-pro', 'nope'])],
    ['maxMembers', 'personal with 2', { ...PERSONAL, code: 'p2', maxMembers: 2 }],
    ['maxMembers', 'business with 1001', { ...FAMILY, kind: 'business', maxMembers: 1001 }],
    ['maxMembers', '0', withKey(FAMILY, 'maxMembers', 0)],
    ['overage', 'missing', without(FAMILY, 'overage')],
    ['overage', 'an array', withKey(FAMILY, 'overage', [FAMILY.overage])],
    ['overage.capFen', 'missing', { ...FAMILY, overage: { mode: 'payg', ratePerMillionFen: 300 } }],
    ['overage.capFen', 'as a string', overage({ capFen: '5000' })],
    ['overage.mode', 'unknown', overage({ mode: 'free' })],
    ['overage.ratePerMillionFen', 'unsafe', overage({ ratePerMillionFen: UNSAFE })],
    ['overage.extra', 'an unknown nested field', overage({ extra: 1 })],
    ['rollover.percent', '101', rollover({ percent: 101 })],
    ['rollover.maxCredits', 'missing', { ...FAMILY, rollover: { percent: 30 } }],
    ['foo', 'an unknown field', withKey(FAMILY, 'foo', 1)],
  ])('400 naming %s (%s), nothing written', async (path, _label, body) => {
    const before = await catalogCounts(t);
    expectBadField(await post(t, '/v1/plans', { ...body, code: body.code === FAMILY.code ? 'new-plan' : body.code }), path);
    expect(await catalogCounts(t)).toEqual(before);
  });

  it('reports every unknown model on its own path', async () => {
    const res = await post(t, '/v1/plans', { ...FAMILY, code: 'two-bad', models: ['x1', 'm-pro', 'x2'] });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['models[0]', 'models[2]']);
  });

  describe('PATCH: only name and status change', () => {
    it.each([
      ['monthlyFeeFen', 1990],
      ['allowanceCredits', 1],
      ['models', ['*']],
      ['overage', FAMILY.overage],
      ['rollover', { percent: 0, maxCredits: 0 }],
      ['kind', 'business'],
      ['maxMembers', 6],
      ['code', 'family-6'],
    ])('%s is a 409 telling to create a new plan', async (field, value) => {
      const before = await t.db.query(`SELECT * FROM plans ORDER BY code`);
      const res = await patch(t, '/v1/plans/family-5', { name: 'renamed', [field]: value });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('PLAN_TERMS_IMMUTABLE');
      expect(res.body.detail).toMatch(/immutable.*create a new plan/);
      expect(await t.db.query(`SELECT * FROM plans ORDER BY code`)).toEqual(before);
    });

    it('an unknown field is a 400, a bad status a 400, an unknown plan a 404', async () => {
      expectBadField(await patch(t, '/v1/plans/family-5', { foo: 1 }), 'foo');
      expectBadField(await patch(t, '/v1/plans/family-5', { status: 'paused' }), 'status');
      expectBadField(await patch(t, '/v1/plans/family-5', { name: 5 }), 'name');
      expect((await patch(t, '/v1/plans/nope', { name: 'x' })).status).toBe(404);
    });

    it('renames and retires, keeping every term', async () => {
      const res = await patch(t, '/v1/plans/family-5', { name: 'Family 5 (2026)', status: 'retired' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ...FAMILY, name: 'Family 5 (2026)', status: 'retired' });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.createdAt));
    });
  });

  describe('getSellable (used by subscriptions)', () => {
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: DomainException) => ({ status: e.status, code: e.code, paths: e.errors?.map((x) => x.path), message: e.message }),
      );

    it('returns an active plan, in or out of a transaction', async () => {
      const plans = t.app.get(PlansService);
      expect(await plans.getSellable('personal-9.9')).toMatchObject({ code: 'personal-9.9', monthlyFeeFen: 990 });
      const inTx = await t.db.transaction((em) => plans.getSellable('personal-9.9', em));
      expect(inTx.allowanceCredits).toBe(10_000_000);
    });

    it('refuses a retired plan with a 409 and an unknown one with a 400 on planCode', async () => {
      const plans = t.app.get(PlansService);
      await patch(t, '/v1/plans/business-pool-s', { status: 'retired' });
      expect(await failure(plans.getSellable('business-pool-s'))).toMatchObject({
        status: 409,
        code: 'PLAN_RETIRED',
        message: expect.stringContaining('retired'),
      });
      expect(await failure(plans.getSellable('nope'))).toMatchObject({ status: 400, paths: ['planCode'] });
      expect(await failure(plans.get('nope'))).toMatchObject({ status: 404 });
      await patch(t, '/v1/plans/business-pool-s', { status: 'active' });
      expect((await plans.getSellable('business-pool-s')).status).toBe('active');
    });
  });

  describe('roles', () => {
    it('gateway may neither read plans (their prices are not its business) nor write them; billing may', async () => {
      const gateway = await t.keyFor('gateway');
      expect((await post(t, '/v1/plans', { ...FAMILY, code: 'gw-plan' }, gateway)).status).toBe(403);
      expect((await patch(t, '/v1/plans/family-5', { monthlyFeeFen: 1 }, gateway)).status).toBe(403);
      expect((await get(t, '/v1/plans', gateway)).status).toBe(403);
      expect((await get(t, '/v1/plans/family-5', gateway)).status).toBe(403);
      const billing = await t.keyFor('billing');
      expect((await post(t, '/v1/plans', { ...FAMILY, code: 'billing-plan' }, billing)).status).toBe(201);
      const account = await t.keyFor('account:6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11');
      expect((await get(t, '/v1/plans', account)).status).toBe(403);
    });
  });
});
