import { ModelRatesService } from '../../src/catalog/model-rates.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { ISO_UTC, UNSAFE, catalogCounts, expectBadField, get, patch, post, walkCodes, withKey, without } from './catalog-helpers';

const V3 = {
  code: 'deepseek-v3',
  providerCode: 'deepseek',
  inputWeight: '1',
  outputWeight: '4',
  providerInputPricePerMillionFen: 200,
  providerOutputPricePerMillionFen: 800,
};

describe('catalog: providers and models', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    expect((await post(t, '/v1/providers', { code: 'deepseek', name: 'DeepSeek' })).status).toBe(201);
    expect((await post(t, '/v1/models', V3)).status).toBe(201);
  });
  afterAll(() => t.close());

  describe('providers', () => {
    it('creates, reads and lists providers in code order', async () => {
      const res = await post(t, '/v1/providers', { code: 'qwen', name: 'Qwen (Alibaba)' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ code: 'qwen', name: 'Qwen (Alibaba)', createdAt: expect.stringMatching(ISO_UTC) });
      expect((await get(t, '/v1/providers/qwen')).body).toEqual(res.body);
      for (const code of ['kimi', 'glm', 'ernie']) await post(t, '/v1/providers', { code, name: code });
      expect(await walkCodes(t, '/v1/providers', 2)).toEqual(['deepseek', 'ernie', 'glm', 'kimi', 'qwen']);
    });

    it('answers 404 for an unknown or impossible code, 409 for a duplicate', async () => {
      expect((await get(t, '/v1/providers/nope')).status).toBe(404);
      expect((await get(t, '/v1/providers/%20bad%20')).status).toBe(404);
      const before = await catalogCounts(t);
      const dup = await post(t, '/v1/providers', { code: 'deepseek', name: 'again' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('DUPLICATE_CODE');
      expect(await catalogCounts(t)).toEqual(before);
    });

    it.each([
      ['code', 'with a space', { code: 'has space', name: 'x' }],
      ['code', 'with a leading dash', { code: '-leading', name: 'x' }],
      ['code', '65 characters', { code: 'a'.repeat(65), name: 'x' }],
      ['code', 'a number', { code: 12, name: 'x' }],
      ['name', 'empty', { code: 'okcode', name: '' }],
      ['name', 'with a line break', { code: 'okcode', name: 'line\nbreak' }],
      ['name', 'missing', { code: 'okcode' }],
      ['foo', 'an unknown field', { code: 'okcode', name: 'x', foo: 1 }],
    ])('400 naming %s (%s), nothing written', async (path, _label, body) => {
      const before = await catalogCounts(t);
      expectBadField(await post(t, '/v1/providers', body), path);
      expect(await catalogCounts(t)).toEqual(before);
    });

    it('a bad cursor is a 400', async () => {
      expectBadField(await t.http().get('/v1/providers').query({ cursor: '!!!' }).set(bearer(t.adminKey)), 'cursor');
    });
  });

  describe('models', () => {
    it('creates a model with its first rate version in force since always', async () => {
      const res = await get(t, '/v1/models/deepseek-v3');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ...V3, status: 'active', createdAt: expect.stringMatching(ISO_UTC) });
      expect(res.body.rates).toEqual([
        { effectiveFrom: null, inputWeight: '1', outputWeight: '4', providerInputPricePerMillionFen: 200, providerOutputPricePerMillionFen: 800 },
      ]);
      const rows = await t.db.query(`SELECT effective_from, input_weight_scaled, output_weight_scaled FROM model_rates WHERE model_code = 'deepseek-v3'`);
      expect(rows).toEqual([{ effective_from: new Date(0), input_weight_scaled: '10000', output_weight_scaled: '40000' }]);
    });

    it('stores weights × 10^4 and shows them in minimal decimal form', async () => {
      const res = await post(t, '/v1/models', { ...V3, code: 'cheap', inputWeight: '0.25', outputWeight: '1.50' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ inputWeight: '0.25', outputWeight: '1.5' });
      const [row] = await t.db.query(`SELECT input_weight_scaled i, output_weight_scaled o FROM model_rates WHERE model_code = 'cheap'`);
      expect(row).toEqual({ i: '2500', o: '15000' });
    });

    it('lists models in code order with their rates', async () => {
      await post(t, '/v1/models', { ...V3, code: 'a-first' });
      const codes = await walkCodes(t, '/v1/models', 1);
      expect(codes).toEqual(['a-first', 'cheap', 'deepseek-v3']);
      const page = await get(t, '/v1/models?limit=5');
      expect(page.body.data[0].rates).toHaveLength(1);
      expect(page.body.nextCursor).toBeNull();
    });

    it('answers 404 for an unknown model and 409 for a duplicate code', async () => {
      expect((await get(t, '/v1/models/nope')).status).toBe(404);
      const before = await catalogCounts(t);
      const dup = await post(t, '/v1/models', { ...V3, inputWeight: '9' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('DUPLICATE_CODE');
      expect(await catalogCounts(t)).toEqual(before);
      expect((await get(t, '/v1/models/deepseek-v3')).body.inputWeight).toBe('1');
    });

    it.each([
      ['code', 'with a space', withKey(V3, 'code', 'bad code')],
      ['providerCode', 'unknown provider', withKey(V3, 'providerCode', 'nobody')],
      ['providerCode', 'a number', withKey(V3, 'providerCode', 12)],
      ['inputWeight', '"0"', withKey(V3, 'inputWeight', '0')],
      ['inputWeight', '"-1"', withKey(V3, 'inputWeight', '-1')],
      ['inputWeight', '"1.23456"', withKey(V3, 'inputWeight', '1.23456')],
      ['inputWeight', '"1e3"', withKey(V3, 'inputWeight', '1e3')],
      ['inputWeight', 'the number 1.5', withKey(V3, 'inputWeight', 1.5)],
      ['inputWeight', 'empty', withKey(V3, 'inputWeight', '')],
      ['outputWeight', 'missing', without(V3, 'outputWeight')],
      ['outputWeight', 'with a space', withKey(V3, 'outputWeight', ' 1')],
      ['providerInputPricePerMillionFen', 'as a string', withKey(V3, 'providerInputPricePerMillionFen', '200')],
      ['providerInputPricePerMillionFen', 'a boolean', withKey(V3, 'providerInputPricePerMillionFen', true)],
      ['providerInputPricePerMillionFen', 'an array', withKey(V3, 'providerInputPricePerMillionFen', [1])],
      ['providerInputPricePerMillionFen', 'negative', withKey(V3, 'providerInputPricePerMillionFen', -1)],
      ['providerInputPricePerMillionFen', 'fractional', withKey(V3, 'providerInputPricePerMillionFen', 2.5)],
      ['providerOutputPricePerMillionFen', 'unsafe 2^53+1', withKey(V3, 'providerOutputPricePerMillionFen', UNSAFE)],
      ['foo', 'an unknown field', withKey(V3, 'foo', 1)],
    ])('400 naming %s (%s), nothing written', async (path, _label, body) => {
      const before = await catalogCounts(t);
      expectBadField(await post(t, '/v1/models', { ...body, code: body.code === V3.code ? 'new-model' : body.code }), path);
      expect(await catalogCounts(t)).toEqual(before);
    });

    it('retires and reactivates a model; other fields are a 409, unknown ones a 400', async () => {
      const retired = await patch(t, '/v1/models/cheap', { status: 'retired' });
      expect(retired.status).toBe(200);
      expect(retired.body).toMatchObject({ code: 'cheap', status: 'retired', inputWeight: '0.25' });
      expect((await patch(t, '/v1/models/cheap', { status: 'active' })).body.status).toBe('active');
      const before = await catalogCounts(t);
      const terms = await patch(t, '/v1/models/cheap', { inputWeight: '2' });
      expect(terms.status).toBe(409);
      expect(terms.body.code).toBe('MODEL_TERMS_IMMUTABLE');
      expect(terms.body.detail).toContain('/rates');
      expectBadField(await patch(t, '/v1/models/cheap', { foo: 1 }), 'foo');
      expectBadField(await patch(t, '/v1/models/cheap', { status: 'gone' }), 'status');
      expect((await patch(t, '/v1/models/nope', { status: 'retired' })).status).toBe(404);
      expect(await catalogCounts(t)).toEqual(before);
      expect((await get(t, '/v1/models/cheap')).body.inputWeight).toBe('0.25');
    });
  });

  describe('rate versions', () => {
    // 2026-11-15T00:00:00+08:00 is 2026-11-14T16:00:00Z.
    const CHANGE = new Date('2026-11-14T16:00:00.000Z');

    it('adds a version changing only outputWeight; omitted fields keep the previous values', async () => {
      const res = await post(t, '/v1/models/deepseek-v3/rates', { effectiveFrom: '2026-11-15T00:00:00+08:00', outputWeight: '3' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        modelCode: 'deepseek-v3',
        effectiveFrom: '2026-11-14T16:00:00.000Z',
        inputWeight: '1',
        outputWeight: '3',
        providerInputPricePerMillionFen: 200,
        providerOutputPricePerMillionFen: 800,
      });
    });

    it('rateAt answers the version in force just before and at the change', async () => {
      const rates = t.app.get(ModelRatesService);
      const before = await rates.rateAt('deepseek-v3', new Date(CHANGE.getTime() - 1));
      const at = await rates.rateAt('deepseek-v3', CHANGE);
      expect(before).toMatchObject({ effectiveFrom: new Date(0), inputWeightScaled: 10_000, outputWeightScaled: 40_000 });
      expect(at).toMatchObject({ effectiveFrom: CHANGE, inputWeightScaled: 10_000, outputWeightScaled: 30_000 });
      expect(at!.providerInputPricePerMillionFen).toBe(before!.providerInputPricePerMillionFen);
      expect(at!.providerOutputPricePerMillionFen).toBe(before!.providerOutputPricePerMillionFen);
      expect(await rates.rateAt('nope', CHANGE)).toBeNull();
    });

    it('inherits from the version just before effectiveFrom, not from later ones', async () => {
      expect((await post(t, '/v1/models/deepseek-v3/rates', { effectiveFrom: '2099-01-01T00:00:00Z', inputWeight: '5' })).status).toBe(201);
      const mid = await post(t, '/v1/models/deepseek-v3/rates', { effectiveFrom: '2030-01-01T00:00:00.500+08:00', providerInputPricePerMillionFen: 150 });
      expect(mid.body).toMatchObject({ effectiveFrom: '2029-12-31T16:00:00.500Z', inputWeight: '1', outputWeight: '3', providerInputPricePerMillionFen: 150 });
      const model = (await get(t, '/v1/models/deepseek-v3')).body;
      expect(model.rates.map((r: { effectiveFrom: string | null }) => r.effectiveFrom)).toEqual([
        null,
        '2026-11-14T16:00:00.000Z',
        '2029-12-31T16:00:00.500Z',
        '2099-01-01T00:00:00.000Z',
      ]);
      const expectedOutput = Date.now() >= CHANGE.getTime() ? '3' : '4';
      expect(model).toMatchObject({ inputWeight: '1', outputWeight: expectedOutput, providerInputPricePerMillionFen: 200 });
    });

    it('a version at an existing instant is a 409, whatever the offset it is written with', async () => {
      const before = await catalogCounts(t);
      const res = await post(t, '/v1/models/deepseek-v3/rates', { effectiveFrom: '2026-11-14T16:00:00Z', outputWeight: '2' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('RATE_VERSION_EXISTS');
      expect(await catalogCounts(t)).toEqual(before);
    });

    it.each([
      ['effectiveFrom', 'missing', {}],
      ['effectiveFrom', 'a date only', { effectiveFrom: '2026-12-01' }],
      ['effectiveFrom', 'without offset', { effectiveFrom: '2026-12-01T00:00:00' }],
      ['effectiveFrom', 'February 30', { effectiveFrom: '2026-02-30T00:00:00Z' }],
      ['effectiveFrom', 'hour 24', { effectiveFrom: '2026-12-01T24:00:00Z' }],
      ['effectiveFrom', 'a number', { effectiveFrom: 1764547200000 }],
      ['effectiveFrom', 'the epoch', { effectiveFrom: '1970-01-01T00:00:00Z' }],
      ['effectiveFrom', 'before the epoch', { effectiveFrom: '1969-12-31T00:00:00Z' }],
      ['outputWeight', '"0"', { effectiveFrom: '2027-01-01T00:00:00Z', outputWeight: '0' }],
      ['inputWeight', 'a number', { effectiveFrom: '2027-01-01T00:00:00Z', inputWeight: 2 }],
      ['providerOutputPricePerMillionFen', 'as a string', { effectiveFrom: '2027-01-01T00:00:00Z', providerOutputPricePerMillionFen: '800' }],
      ['foo', 'an unknown field', { effectiveFrom: '2027-01-01T00:00:00Z', foo: 1 }],
    ])('400 naming %s (%s), nothing written', async (path, _label, body) => {
      const before = await catalogCounts(t);
      expectBadField(await post(t, '/v1/models/deepseek-v3/rates', body), path);
      expect(await catalogCounts(t)).toEqual(before);
    });

    it('a rate for an unknown model is a 404', async () => {
      expect((await post(t, '/v1/models/nope/rates', { effectiveFrom: '2027-01-01T00:00:00Z', inputWeight: '1' })).status).toBe(404);
    });
  });

  describe('roles and audit', () => {
    it('gateway may not read models (they carry provider cost prices), write the catalog or read providers', async () => {
      const gateway = await t.keyFor('gateway');
      expect((await get(t, '/v1/models', gateway)).status).toBe(403);
      expect((await get(t, '/v1/models/deepseek-v3', gateway)).status).toBe(403);
      expect((await get(t, '/v1/providers', gateway)).status).toBe(403);
      expect((await post(t, '/v1/models', { ...V3, code: 'gw-model' }, gateway)).status).toBe(403);
      expect((await post(t, '/v1/providers', { code: 'gw', name: 'gw' }, gateway)).status).toBe(403);
      expect((await patch(t, '/v1/models/deepseek-v3', { inputWeight: '9' }, gateway)).status).toBe(403);
    });

    it('billing may write the catalog; each change is audited', async () => {
      const billing = await t.keyFor('billing');
      expect((await post(t, '/v1/providers', { code: 'doubao', name: 'Doubao' }, billing)).status).toBe(201);
      expect((await patch(t, '/v1/models/a-first', { status: 'retired' }, billing)).status).toBe(200);
      const log = await get(t, '/v1/audit-log?entity=model&entityId=a-first');
      // newest first: the retirement, then the creation earlier in this file
      expect(log.body.data.map((e: { action: string }) => e.action)).toEqual(['model.update', 'model.create']);
    });
  });
});
