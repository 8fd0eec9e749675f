import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { lastDayOf, periodIn, shiftPeriod } from '../support/calendar';
import { createAccount, createPlan, subscribe } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { EventInput, drainUsageQueue } from '../support/usage';
import { ProviderUsagePartsRepository } from '../../src/usage/ledger/provider-usage-parts.repository';
import { Verifier } from '../../src/verification/verifier.service';
import { ProviderUsageParts1764500200000 } from '../../migrations/1764500200000-provider-usage-parts';

const TZ = 'Asia/Shanghai';
/** roundHalfUp(tokens × pricePerMillion / 1e6) in exact integers. */
const priced = (tokens: bigint, price: bigint) => (tokens * price * 2n + 1_000_000n) / 2_000_000n;

interface Line {
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  amountFen: number;
}

/**
 * Provider statements are read from append-only usage parts written with each usage batch. These
 * tests hold them to the contract (SPEC §11) as the old per-request ledger aggregation computed it:
 * figures by hand, and a reference aggregation of the ledger written here independently (periods
 * by Intl, rounding in BigInt), after duplicates, redelivered batches, a rejected-usage retry, a
 * month boundary in the billing zone, two rate versions and compaction.
 */
describe('provider statements from usage parts', () => {
  let t: TestApp;
  let gateway: string;
  const current = periodIn(new Date(), TZ);
  const month = shiftPeriod(current, -1);
  const before = shiftPeriod(current, -2);
  let n = 0;
  const ev = (model: string, inputTokens: number, outputTokens: number, occurredAt: string, subscriberId = '8613800000001'): EventInput => ({
    eventId: `pp-${process.pid}-${++n}`,
    subscriberId,
    model,
    inputTokens,
    outputTokens,
    occurredAt,
  });
  const admin = () => bearer(t.adminKey);
  const post = async (path: string, body: object) => {
    const res = await t.http().post(path).set(admin()).send(body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const model = (code: string, inPrice: number, outPrice: number) =>
    post('/v1/models', {
      code,
      providerCode: 'qa',
      inputWeight: '1',
      outputWeight: '1',
      providerInputPricePerMillionFen: inPrice,
      providerOutputPricePerMillionFen: outPrice,
    });
  const send = async (events: object[]) => {
    expect((await t.http().post('/v1/usage-events').set(bearer(gateway)).send({ events })).status).toBe(202);
    await drainUsageQueue(t);
  };
  const statement = async (period: string): Promise<Line[]> => {
    const res = await t.http().get('/v1/provider-statements').query({ period, provider: 'qa' }).set(admin());
    expect(res.status).toBe(200);
    const models: Line[] = res.body.data[0].models;
    expect(res.body.data[0].totalFen).toBe(models.reduce((a, m) => a + m.amountFen, 0));
    return models;
  };

  /** The contract computed straight from the ledger: per model, per rate version, summed then priced. */
  async function fromLedger(period: string): Promise<Line[]> {
    const rows: { model_code: string; occurred_at: Date; input_tokens: string; output_tokens: string; in_price: string; out_price: string; rate_id: string }[] =
      await t.db.query(
        `SELECT l.model_code, l.occurred_at, l.input_tokens, l.output_tokens, l.rate_id,
                r.provider_input_price_per_million_fen AS in_price, r.provider_output_price_per_million_fen AS out_price
         FROM usage_ledger l JOIN model_rates r ON r.id = l.rate_id JOIN models m ON m.code = l.model_code WHERE m.provider_code = 'qa'`,
      );
    const versions = new Map<string, { model: string; requests: number; inp: bigint; out: bigint; inPrice: bigint; outPrice: bigint }>();
    for (const r of rows.filter((x) => periodIn(x.occurred_at, TZ) === period)) {
      const v = versions.get(r.rate_id) ?? { model: r.model_code, requests: 0, inp: 0n, out: 0n, inPrice: BigInt(r.in_price), outPrice: BigInt(r.out_price) };
      v.requests += 1;
      v.inp += BigInt(r.input_tokens);
      v.out += BigInt(r.output_tokens);
      versions.set(r.rate_id, v);
    }
    const lines = new Map<string, Line>();
    for (const v of versions.values()) {
      const line = lines.get(v.model) ?? { model: v.model, requests: 0, inputTokens: 0, outputTokens: 0, amountFen: 0 };
      line.requests += v.requests;
      line.inputTokens += Number(v.inp);
      line.outputTokens += Number(v.out);
      line.amountFen += Number(priced(v.inp, v.inPrice) + priced(v.out, v.outPrice));
      lines.set(v.model, line);
    }
    return [...lines.values()].sort((a, b) => (a.model < b.model ? -1 : 1));
  }

  const parts = async () =>
    (await t.db.query(`SELECT period, model_code, rate_id, count(*)::int AS n FROM provider_usage_parts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)) as {
      period: string;
      model_code: string;
      rate_id: string;
      n: number;
    }[];

  // The month before ends at 23:59:59.999 local time (15:59:59.999Z); the month starts at 00:30
  // local time on the 1st, which is still the previous day in UTC.
  const a = ev('qa-m1', 1_000_000, 100_000, `${month}-01T00:30:00+08:00`);
  const b = ev('qa-m1', 500_001, 3, `${before}-${lastDayOf(before)}T23:59:59.999+08:00`);
  const c = ev('qa-m1', 2_000_000, 999_999, `${month}-15T00:00:00+08:00`); // the second rate version starts exactly here
  const d1 = ev('qa-m2', 2_500, 2_500, `${month}-03T09:00:00+08:00`);
  const d2 = ev('qa-m2', 2_500, 0, `${month}-04T09:00:00+08:00`);
  const late = ev('qa-late', 10_000, 20_000, `${month}-20T08:00:00+08:00`); // UNKNOWN_MODEL until the model exists

  beforeAll(async () => {
    t = await startTestApp({ BILLING_TZ: TZ, PROVIDER_USAGE_COMPACT_EVERY_MS: '86400000' });
    gateway = await t.keyFor('gateway');
    await post('/v1/providers', { code: 'qa', name: 'Provider QA' });
    await model('qa-m1', 333, 777);
    await model('qa-m2', 100, 200);
    await post('/v1/models/qa-m1/rates', {
      effectiveFrom: `${month}-15T00:00:00+08:00`,
      providerInputPricePerMillionFen: 500,
      providerOutputPricePerMillionFen: 1001,
    });
    await createPlan(t, { code: 'qa-all' });
    await subscribe(t, await createAccount(t), 'qa-all', [{ subscriberId: '8613800000001' }], `${before}-20T00:00:00+08:00`);

    // one request: d1 twice (an identical repeat) and the late model
    await send([a, b, c, d1, { ...d1 }, d2, late]);
    // the same batch again, as a redelivered job would be: every event is a duplicate now; and a
    // conflicting body for d2's id (DUPLICATE_CONFLICT, rejected)
    await send([a, b, c, d1, d2, { ...d2, inputTokens: 9 }]);
  });
  afterAll(() => t.close());

  it('counts every recorded event once: duplicates, conflicting bodies and redeliveries add nothing', async () => {
    // month, by hand (qa-m1 v1 333/777, v2 500/1001; qa-m2 100/200):
    //   qa-m1 v1: a → in 1,000,000 × 333 / 1e6 = 333; out 100,000 × 777 / 1e6 = 77.7 → 78; = 411
    //   qa-m1 v2: c → in 2,000,000 × 500 / 1e6 = 1000; out 999,999 × 1001 / 1e6 = 1000.998999 → 1001; = 2001
    //   qa-m2: in 5,000 × 100 / 1e6 = 0.5 → 1; out 2,500 × 200 / 1e6 = 0.5 → 1; = 2 (event by event: 0 + 1 + 0 + 0)
    const expected: Line[] = [
      { model: 'qa-m1', requests: 2, inputTokens: 3_000_000, outputTokens: 1_099_999, amountFen: 2412 },
      { model: 'qa-m2', requests: 2, inputTokens: 5_000, outputTokens: 2_500, amountFen: 2 },
    ];
    expect(await statement(month)).toEqual(expected);
    expect(await fromLedger(month)).toEqual(expected);
    // the month before: b alone; in 500,001 × 333 / 1e6 = 166.500333 → 167; out 3 × 777 / 1e6 → 0
    const earlier: Line[] = [{ model: 'qa-m1', requests: 1, inputTokens: 500_001, outputTokens: 3, amountFen: 167 }];
    expect(await statement(before)).toEqual(earlier);
    expect(await fromLedger(before)).toEqual(earlier);
    // each part a batch wrote sums only the rows it inserted: one part per key, from the first batch
    expect((await parts()).map((p) => p.n)).toEqual([1, 1, 1, 1]);
    const [{ requests }] = await t.db.query(`SELECT sum(requests)::int AS requests FROM provider_usage_parts`);
    expect(requests).toBe(5);
  });

  it('counts a rejected event once a retry records it', async () => {
    const list = await t.http().get('/v1/rejected-usage').query({ reason: 'UNKNOWN_MODEL' }).set(admin());
    expect(list.body.data).toHaveLength(1);
    await model('qa-late', 250, 750);
    const retried = await t.http().post(`/v1/rejected-usage/${list.body.data[0].id}/retry`).set(admin());
    expect(retried.body.retryOutcome).toBe('recorded');
    // qa-late: in 10,000 × 250 / 1e6 = 2.5 → 3; out 20,000 × 750 / 1e6 = 15; = 18
    const expected: Line[] = [
      { model: 'qa-late', requests: 1, inputTokens: 10_000, outputTokens: 20_000, amountFen: 18 },
      { model: 'qa-m1', requests: 2, inputTokens: 3_000_000, outputTokens: 1_099_999, amountFen: 2412 },
      { model: 'qa-m2', requests: 2, inputTokens: 5_000, outputTokens: 2_500, amountFen: 2 },
    ];
    expect(await statement(month)).toEqual(expected);
    expect(await fromLedger(month)).toEqual(expected);
  });

  it('compaction folds each key into one part and changes no statement', async () => {
    // more batches: several parts per key (the per-version rounding now sees larger sums)
    await send([ev('qa-m1', 1_500, 500, `${month}-10T12:00:00+08:00`), ev('qa-m2', 1, 1, `${month}-05T00:00:00+08:00`)]);
    await send([ev('qa-m1', 7, 7, `${month}-16T12:00:00+08:00`), ev('qa-m2', 2, 2, `${month}-06T00:00:00+08:00`)]);
    await send([ev('qa-m1', 1, 1, `${before}-${lastDayOf(before)}T12:00:00+08:00`)]);
    const beforeCompaction = { month: await statement(month), before: await statement(before) };
    // month, by hand: qa-m1 v1 in 1,001,500 × 333 / 1e6 = 333.4995 → 333, out 100,500 × 777 / 1e6 = 78.0885 → 78;
    //   v2 in 2,000,007 × 500 / 1e6 = 1000.0035 → 1000, out 1,000,006 × 1001 / 1e6 = 1001.006006 → 1001; = 2412
    //   qa-m2 in 5,003 × 100 / 1e6 = 0.5003 → 1, out 2,503 × 200 / 1e6 = 0.5006 → 1; = 2
    expect(beforeCompaction.month).toEqual([
      { model: 'qa-late', requests: 1, inputTokens: 10_000, outputTokens: 20_000, amountFen: 18 },
      { model: 'qa-m1', requests: 4, inputTokens: 3_001_507, outputTokens: 1_100_506, amountFen: 2412 },
      { model: 'qa-m2', requests: 4, inputTokens: 5_003, outputTokens: 2_503, amountFen: 2 },
    ]);
    // before: in 500,002 × 333 / 1e6 = 166.500666 → 167; out 4 × 777 / 1e6 → 0
    expect(beforeCompaction.before).toEqual([{ model: 'qa-m1', requests: 2, inputTokens: 500_002, outputTokens: 4, amountFen: 167 }]);
    const keysBefore = await parts();
    const folded = keysBefore.filter((p) => p.n > 1);
    expect(folded.length).toBeGreaterThan(0);

    const repo = t.app.get(ProviderUsagePartsRepository);
    expect(await repo.compactAll(t.db.manager)).toEqual({ keys: folded.length, partsRemoved: folded.reduce((s, p) => s + p.n, 0) });
    expect(await parts()).toEqual(keysBefore.map((p) => ({ ...p, n: 1 })));
    expect(await statement(month)).toEqual(beforeCompaction.month);
    expect(await statement(before)).toEqual(beforeCompaction.before);
    expect(await fromLedger(month)).toEqual(beforeCompaction.month);
    // idempotent: nothing left to fold
    expect(await repo.compactAll(t.db.manager)).toEqual({ keys: 0, partsRemoved: 0 });
    expect((await t.app.get(Verifier).run()).ok).toBe(true);
  });

  it('compaction killed mid-transaction leaves the parts as they were; beside concurrent batches and a second compaction it loses nothing', async () => {
    await send([ev('qa-m2', 10, 10, `${month}-07T00:00:00+08:00`)]);
    await send([ev('qa-m2', 20, 20, `${month}-08T00:00:00+08:00`)]);
    const snapshot = async () => t.db.query(`SELECT seq, requests, input_tokens, output_tokens FROM provider_usage_parts ORDER BY seq`);
    const was = await snapshot();
    const expected = await fromLedger(month);

    // The compaction statement has run (its parts deleted and re-inserted, uncommitted) when its
    // connection is terminated, as a killed worker's would be.
    // A connection of its own (not the app's pool, which must not inherit the dead connection).
    const own = await new DataSource({ ...(t.db.options as PostgresConnectionOptions), poolSize: 1 }).initialize();
    const qr = own.createQueryRunner();
    try {
      await qr.connect();
      const [{ pid }] = await qr.query(`SELECT pg_backend_pid() AS pid`);
      await qr.startTransaction();
      expect((await t.app.get(ProviderUsagePartsRepository).compact(qr.manager)).keys).toBe(1);
      await t.db.query(`SELECT pg_terminate_backend($1)`, [pid]);
      await expect(qr.query('SELECT 1')).rejects.toThrow();
    } finally {
      await qr.release().catch(() => undefined);
      await own.destroy().catch(() => undefined);
    }
    expect(await snapshot()).toEqual(was);
    expect(await statement(month)).toEqual(expected);

    // Two compactions and two usage batches at once: every part is folded at most once.
    const repo = t.app.get(ProviderUsagePartsRepository);
    const batches = [ev('qa-m2', 30, 30, `${month}-09T00:00:00+08:00`), ev('qa-m1', 40, 40, `${month}-11T00:00:00+08:00`)];
    await Promise.all([repo.compactAll(t.db.manager), repo.compactAll(t.db.manager), send([batches[0]]), send([batches[1]])]);
    await drainUsageQueue(t);
    const after = await fromLedger(month);
    expect(after.find((l) => l.model === 'qa-m2')!.inputTokens).toBe(expected.find((l) => l.model === 'qa-m2')!.inputTokens + 30);
    expect(await statement(month)).toEqual(after);
    expect((await t.app.get(Verifier).run()).ok).toBe(true);
    await repo.compactAll(t.db.manager);
    expect((await parts()).every((p) => p.n === 1)).toBe(true);
    expect(await statement(month)).toEqual(after);
  });

  it("the migration's backfill rebuilds the same totals per key from the ledger", async () => {
    const totals = () =>
      t.db.query(
        `SELECT period, model_code, rate_id, sum(requests)::text AS r, sum(input_tokens)::text AS i, sum(output_tokens)::text AS o
         FROM provider_usage_parts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      );
    const written = await totals();
    const migration = new ProviderUsageParts1764500200000();
    const qr = t.db.createQueryRunner();
    const zone = process.env.BILLING_TZ;
    process.env.BILLING_TZ = TZ; // the migration reads the zone as the app's configuration would
    try {
      await qr.startTransaction();
      await migration.down(qr);
      await migration.up(qr);
      await qr.commitTransaction();
    } finally {
      if (zone === undefined) delete process.env.BILLING_TZ;
      else process.env.BILLING_TZ = zone;
      await qr.release();
    }
    expect(await totals()).toEqual(written);
    expect((await t.app.get(Verifier).run()).ok).toBe(true);
  });
});
