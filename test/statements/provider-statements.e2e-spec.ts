import { parse } from 'csv-parse/sync';
import { lastDayOf, periodIn, shiftPeriod } from '../support/calendar';
import { createAccount, createPlan, subscribe } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { EventInput, drainUsageQueue } from '../support/usage';

/**
 * Figures by hand from SPEC §11: per model, Σ over rate versions of
 * roundHalfUp(Σin × inPrice / 1e6) + roundHalfUp(Σout × outPrice / 1e6), events attributed to the
 * month of occurredAt in Asia/Shanghai, unbilled usage included, rejected usage not.
 */
describe('provider statements', () => {
  let t: TestApp;
  const current = periodIn(new Date(), 'Asia/Shanghai');
  const month = shiftPeriod(current, -1);
  const before = shiftPeriod(current, -2);
  let n = 0;
  const ev = (subscriberId: string, model: string, inputTokens: number, outputTokens: number, occurredAt: string): EventInput => ({
    eventId: `st-${process.pid}-${++n}`,
    subscriberId,
    model,
    inputTokens,
    outputTokens,
    occurredAt,
  });
  const statements = (query: Record<string, string>, key = t.adminKey) => t.http().get('/v1/provider-statements').query(query).set(bearer(key));
  const post = async (path: string, body: object) => {
    const res = await t.http().post(path).set(bearer(t.adminKey)).send(body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const model = (code: string, providerCode: string, inPrice: number, outPrice: number) =>
    post('/v1/models', {
      code,
      providerCode,
      inputWeight: '1',
      outputWeight: '1',
      providerInputPricePerMillionFen: inPrice,
      providerOutputPricePerMillionFen: outPrice,
    });

  beforeAll(async () => {
    t = await startTestApp();
    await post('/v1/providers', { code: 'pa', name: 'Provider A' });
    await post('/v1/providers', { code: 'pb', name: 'Provider B' });
    await post('/v1/providers', { code: 'pc', name: 'Provider C, no usage' });
    await model('pa-m1', 'pa', 333, 777);
    await model('pa-m2', 'pa', 100, 200);
    await model('pb-m1', 'pb', 1000, 3000);
    await post('/v1/models/pa-m1/rates', {
      effectiveFrom: `${month}-15T00:00:00+08:00`,
      providerInputPricePerMillionFen: 500,
      providerOutputPricePerMillionFen: 1001,
    });
    // A tiny blocking allowance: most of this usage is recorded unbilled, and still owed to the provider.
    await createPlan(t, { code: 'pa-only', models: ['pa-m1', 'pa-m2'], allowanceCredits: 1000 });
    await createPlan(t, { code: 'pb-only', models: ['pb-m1'] });
    const start = `${before}-20T00:00:00+08:00`;
    await subscribe(t, await createAccount(t), 'pa-only', [{ subscriberId: '8613700000001' }], start);
    await subscribe(t, await createAccount(t), 'pb-only', [{ subscriberId: '8613700000002' }], start);
    const [sa, sb] = ['8613700000001', '8613700000002'];
    const events = [
      ev(sa, 'pa-m1', 7, 7, `${before}-${lastDayOf(before)}T23:30:00+08:00`), // previous month in Shanghai (same UTC day as the next)
      ev(sa, 'pa-m1', 1_500_000, 250_000, `${month}-01T00:30:00+08:00`), // still the previous UTC day, but this month here
      ev(sa, 'pa-m1', 333_333, 1, `${month}-10T12:00:00+08:00`),
      ev(sa, 'pa-m1', 2_000_001, 999_999, `${month}-15T00:00:00+08:00`), // exactly at the new rate's effectiveFrom
      ev(sa, 'pa-m1', 1, 1, `${month}-20T08:00:00+08:00`),
      ev(sa, 'pa-m2', 2_500, 2_500, `${month}-03T09:00:00+08:00`),
      ev(sa, 'pa-m2', 2_500, 0, `${month}-04T09:00:00+08:00`),
      ev(sb, 'pb-m1', 1_234, 567, `${month}-12T09:00:00+08:00`),
      ev(sa, 'pb-m1', 999_999, 999_999, `${month}-12T10:00:00+08:00`), // MODEL_NOT_IN_PLAN: rejected, never owed
      ev(sa, 'pa-m1', 5, 5, new Date(Date.now() - 60_000).toISOString()), // this month: another statement
    ];
    const res = await t
      .http()
      .post('/v1/usage-events')
      .set(bearer(await t.keyFor('gateway')))
      .send({ events });
    expect(res.status).toBe(202);
    await drainUsageQueue(t);
    const [{ rejected }] = await t.db.query(`SELECT count(*)::int AS rejected FROM rejected_usage`);
    expect(rejected).toBe(1);
  });
  afterAll(() => t.close());

  it('prices each rate version separately, rounds each part half up, and attributes by month in the billing zone', async () => {
    const res = await statements({ period: month });
    expect(res.status).toBe(200);
    // pa-m1, version 1 (333 / 777): in 1,500,000 + 333,333 = 1,833,333 → ×333/1e6 = 610.499889 → 610
    //                               out 250,000 + 1 = 250,001 → ×777/1e6 = 194.250777 → 194
    //        version 2 (500 / 1001): in 2,000,001 + 1 = 2,000,002 → ×500/1e6 = 1000.001 → 1000
    //                               out 999,999 + 1 = 1,000,000 → ×1001/1e6 = 1001
    //        = 2805 over 4 requests (the 23:30 event of the month before is not this month's)
    // pa-m2 (100 / 200): in 5,000 → 0.5 → 1; out 2,500 → 0.5 → 1; = 2 (per event it would have been 0 + 1 + 0 + 0)
    // pb-m1 (1000 / 3000): in 1,234 → 1.234 → 1; out 567 → 1.701 → 2; = 3; the rejected event is not counted
    expect(res.body).toEqual({
      data: [
        {
          provider: 'pa',
          period: month,
          models: [
            { model: 'pa-m1', requests: 4, inputTokens: 3_833_335, outputTokens: 1_250_001, amountFen: 2805 },
            { model: 'pa-m2', requests: 2, inputTokens: 5_000, outputTokens: 2_500, amountFen: 2 },
          ],
          totalFen: 2807,
        },
        { provider: 'pb', period: month, models: [{ model: 'pb-m1', requests: 1, inputTokens: 1_234, outputTokens: 567, amountFen: 3 }], totalFen: 3 },
        { provider: 'pc', period: month, models: [], totalFen: 0 },
      ],
    });
    const unbilled = await t.db.query(`SELECT sum(unbilled_credits)::bigint AS u FROM usage_ledger WHERE model_code = 'pa-m1'`);
    expect(Number(unbilled[0].u)).toBeGreaterThan(0);
  });

  it('the month before holds only its own event', async () => {
    const res = await statements({ period: before, provider: 'pa' });
    // 7 × 333 / 1e6 → 0; 7 × 777 / 1e6 → 0.005 → 0
    expect(res.body.data).toEqual([
      { provider: 'pa', period: before, models: [{ model: 'pa-m1', requests: 1, inputTokens: 7, outputTokens: 7, amountFen: 0 }], totalFen: 0 },
    ]);
  });

  it('answers CSV with Accept: text/csv, one row per provider and model', async () => {
    const res = await statements({ period: month, provider: 'pa' }).set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(parse(res.text, { columns: true })).toEqual([
      { provider: 'pa', period: month, model: 'pa-m1', requests: '4', inputTokens: '3833335', outputTokens: '1250001', amountFen: '2805' },
      { provider: 'pa', period: month, model: 'pa-m2', requests: '2', inputTokens: '5000', outputTokens: '2500', amountFen: '2' },
    ]);
  });

  it('a provider key sees only its own provider; naming another is 404; account and gateway keys are refused', async () => {
    const pa = await t.keyFor('provider:pa');
    const own = await statements({ period: month }, pa);
    expect(own.body.data.map((s: { provider: string }) => s.provider)).toEqual(['pa']);
    expect((await statements({ period: month, provider: 'pa' }, pa)).body).toEqual(own.body);
    expect((await statements({ period: month, provider: 'pb' }, pa)).status).toBe(404);
    expect((await statements({ period: month, provider: 'nobody' }, pa)).status).toBe(404);
    const pb = await t.keyFor('provider:pb');
    expect((await statements({ period: month, provider: 'pa' }, pb)).status).toBe(404);
    expect((await statements({ period: month }, pb)).body.data.map((s: { provider: string }) => s.provider)).toEqual(['pb']);
    const accountKey = await t.keyFor(`account:${(await t.db.query('SELECT id FROM accounts LIMIT 1'))[0].id}`);
    for (const key of [accountKey, await t.keyFor('gateway')]) expect((await statements({ period: month }, key)).status).toBe(403);
    expect((await statements({ period: month }, await t.keyFor('billing'))).status).toBe(200);
  });

  it.each([[{}], [{ period: '2026-1' }], [{ period: '1999-12' }], [{ period: month, provider: 'bad code!' }]])('%j is a 400', async (q) => {
    expect((await statements(q)).status).toBe(400);
  });

  it('an unknown provider is a 404 for staff too', async () => {
    expect((await statements({ period: month, provider: 'nobody' })).status).toBe(404);
  });
});
