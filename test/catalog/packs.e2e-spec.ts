import { DomainException } from '../../src/common/http/domain.exception';
import { PacksService } from '../../src/catalog/packs.service';
import { TestApp, startTestApp } from '../support/test-app';
import { ISO_UTC, UNSAFE, catalogCounts, expectBadField, get, patch, post, walkCodes, withKey, without } from './catalog-helpers';

const DAYS = { code: 'pack-30d-20m', name: '20M credits, 30 days', priceFen: 1500, credits: 20_000_000, validity: { kind: 'days', days: 30 } };
const CYCLE = { code: 'pack-cycle-5m', name: '5M credits, this cycle', priceFen: 500, credits: 5_000_000, validity: { kind: 'cycle' } };

describe('catalog: top-up packs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates packs valid for N days or until the end of the cycle', async () => {
    const days = await post(t, '/v1/packs', DAYS);
    expect(days.status).toBe(201);
    expect(days.body).toEqual({ ...DAYS, status: 'active', createdAt: expect.stringMatching(ISO_UTC), updatedAt: expect.stringMatching(ISO_UTC) });
    const cycle = await post(t, '/v1/packs', CYCLE);
    expect(cycle.status).toBe(201);
    expect(cycle.body.validity).toEqual({ kind: 'cycle' });
    const rows = await t.db.query(`SELECT code, validity_kind, validity_days FROM packs ORDER BY code`);
    expect(rows).toEqual([
      { code: 'pack-30d-20m', validity_kind: 'days', validity_days: 30 },
      { code: 'pack-cycle-5m', validity_kind: 'cycle', validity_days: null },
    ]);
  });

  it('reads and lists packs; unknown is 404, duplicate 409', async () => {
    expect((await get(t, '/v1/packs/pack-cycle-5m')).body).toMatchObject(CYCLE);
    expect(await walkCodes(t, '/v1/packs', 1)).toEqual(['pack-30d-20m', 'pack-cycle-5m']);
    expect((await get(t, '/v1/packs/nope')).status).toBe(404);
    const before = await catalogCounts(t);
    const dup = await post(t, '/v1/packs', { ...CYCLE, priceFen: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('DUPLICATE_CODE');
    expect(await catalogCounts(t)).toEqual(before);
  });

  it.each([
    ['code', 'bad pattern', withKey(DAYS, 'code', 'pack/1')],
    ['name', 'missing', without(DAYS, 'name')],
    ['priceFen', 'as a string', withKey(DAYS, 'priceFen', '1500')],
    ['priceFen', 'unsafe', withKey(DAYS, 'priceFen', UNSAFE)],
    ['credits', 'zero', withKey(DAYS, 'credits', 0)],
    ['credits', 'fractional', withKey(DAYS, 'credits', 1.5)],
    ['validity', 'missing', without(DAYS, 'validity')],
    ['validity', 'a string', withKey(DAYS, 'validity', 'cycle')],
    ['validity.kind', 'unknown', withKey(DAYS, 'validity', { kind: 'week' })],
    ['validity.days', 'missing with kind days', withKey(DAYS, 'validity', { kind: 'days' })],
    ['validity.days', '0', withKey(DAYS, 'validity', { kind: 'days', days: 0 })],
    ['validity.days', '3651', withKey(DAYS, 'validity', { kind: 'days', days: 3651 })],
    ['validity.days', 'a string', withKey(DAYS, 'validity', { kind: 'days', days: '30' })],
    ['validity.days', 'given with kind cycle', withKey(DAYS, 'validity', { kind: 'cycle', days: 30 })],
    ['validity.foo', 'an unknown nested field', withKey(DAYS, 'validity', { kind: 'cycle', foo: 1 })],
    ['foo', 'an unknown field', withKey(DAYS, 'foo', 1)],
  ])('400 naming %s (%s), nothing written', async (path, _label, body) => {
    const before = await catalogCounts(t);
    expectBadField(await post(t, '/v1/packs', { ...body, code: body.code === DAYS.code ? 'new-pack' : body.code }), path);
    expect(await catalogCounts(t)).toEqual(before);
  });

  it('3650 days is the longest validity', async () => {
    expect((await post(t, '/v1/packs', { ...DAYS, code: 'pack-10y', validity: { kind: 'days', days: 3650 } })).status).toBe(201);
  });

  it.each([
    ['priceFen', 1],
    ['credits', 1],
    ['validity', { kind: 'cycle' }],
    ['code', 'other'],
  ])('PATCH %s is a 409: price, credits and validity are immutable', async (field, value) => {
    const res = await patch(t, '/v1/packs/pack-30d-20m', { [field]: value });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PACK_TERMS_IMMUTABLE');
    expect((await get(t, '/v1/packs/pack-30d-20m')).body).toMatchObject(DAYS);
  });

  it('PATCH renames and retires; unknown fields 400, unknown pack 404', async () => {
    expectBadField(await patch(t, '/v1/packs/pack-30d-20m', { foo: 1 }), 'foo');
    expect((await patch(t, '/v1/packs/nope', { name: 'x' })).status).toBe(404);
    const res = await patch(t, '/v1/packs/pack-30d-20m', { name: '20M / 30 days', status: 'retired' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...DAYS, name: '20M / 30 days', status: 'retired' });
  });

  it('getSellable refuses retired (409) and unknown (400 packCode) packs', async () => {
    const packs = t.app.get(PacksService);
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: DomainException) => ({ status: e.status, code: e.code, paths: e.errors?.map((x) => x.path) }),
      );
    expect(await failure(packs.getSellable('pack-30d-20m'))).toEqual({ status: 409, code: 'PACK_RETIRED', paths: undefined });
    expect(await failure(packs.getSellable('nope'))).toMatchObject({ status: 400, paths: ['packCode'] });
    expect((await packs.getSellable('pack-cycle-5m')).credits).toBe(5_000_000);
  });

  it('gateway may not read or write packs', async () => {
    const gateway = await t.keyFor('gateway');
    expect((await get(t, '/v1/packs', gateway)).status).toBe(403);
    expect((await post(t, '/v1/packs', { ...DAYS, code: 'gw' }, gateway)).status).toBe(403);
  });
});
