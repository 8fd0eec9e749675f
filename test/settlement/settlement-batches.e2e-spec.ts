import { existsSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createAccount } from '../support/fixtures';
import { bearer } from '../support/test-app';
import {
  HEADER,
  adjust,
  chargeStatuses,
  chargeWithDescription,
  externalRefOf,
  fetchFile,
  parseSettlement,
  runSettlement,
  sha256,
  startSettlementApp,
} from './support';

describe('settlement batches: export, file, ack and requeue', () => {
  let t: Awaited<ReturnType<typeof startSettlementApp>>;
  let accountA: string;
  let accountB: string;

  beforeAll(async () => {
    t = await startSettlementApp();
    accountA = await createAccount(t);
    accountB = await createAccount(t);
  });
  afterAll(() => t.close());

  it('answers 204 with an empty body, writes no batch and no file when nothing is pending', async () => {
    const res = await runSettlement(t);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await t.db.query('SELECT id FROM settlement_batches')).toEqual([]);
    expect(readdirSync(t.outbox)).toEqual([]);
  });

  it('exports every PENDING charge in seq order; the CSV parses back to exactly those charges', async () => {
    const charges = [
      await adjust(t, accountA, 1000, 'Late fee, November'),
      await adjust(t, accountB, -500, 'He said "sorry", twice'),
      await adjust(t, accountA, 2500, '退款：服务中断补偿（十一月）'),
      await chargeWithDescription(t, accountB, 'line one\nline two\r\nthree', 990),
      await chargeWithDescription(t, accountA, '多行,"引号"\n第二行', 1),
    ];
    const res = await runSettlement(t);
    expect(res.status).toBe(201);
    // 1000 − 500 + 2500 + 990 + 1 = 3991
    expect(res.body).toMatchObject({ status: 'ready', recordCount: 5, totalAmountFen: 3991 });
    const bytes = readFileSync(join(t.outbox, res.body.fileName));
    expect(sha256(bytes)).toBe(res.body.sha256);
    const { header, records, trailer } = parseSettlement(bytes);
    expect(header).toEqual(HEADER);
    const refs = { [accountA]: await externalRefOf(t, accountA), [accountB]: await externalRefOf(t, accountB) };
    expect(records).toEqual(
      charges.map((c) => [
        c.id,
        refs[c.accountId],
        c.type,
        c.billingPeriod,
        c.description,
        c.quantity === null ? '' : String(c.quantity),
        String(c.amountFen),
        String(c.taxFen),
        'CNY',
      ]),
    );
    // tax contained by hand: 1000×600/10600 = 56.6 → 57; 500 → 28.3 → −28; 2500 → 141.5 → 142; 990 → 56.03 → 56; 1 → 0.06 → 0
    expect(records.map((r) => r[7])).toEqual(['57', '-28', '142', '56', '0']);
    expect(trailer).toEqual(['TRAILER', res.body.id, '5', '3991']);
    expect(bytes.toString('utf8').endsWith(`TRAILER,${res.body.id},5,3991\n`)).toBe(true);
    expect(existsSync(join(t.outbox, `${res.body.fileName}.tmp`))).toBe(false);
    const after = await chargeStatuses(
      t,
      charges.map((c) => c.id),
    );
    expect(Object.values(after).every((c) => c.status === 'EXPORTED' && c.batch === res.body.id)).toBe(true);
  });

  it('serves the file byte-identical every time, with its sha256 in X-Content-SHA256', async () => {
    const [batch] = (await t.http().get('/v1/settlement-batches').set(bearer(t.adminKey))).body.data;
    const first = await fetchFile(t, batch.id);
    const second = await fetchFile(t, batch.id);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(first.body.equals(second.body)).toBe(true);
    expect(first.headers['x-content-sha256']).toBe(sha256(first.body));
    expect(first.headers['x-content-sha256']).toBe(batch.sha256);
  });

  it('rebuilds a lost file identically from the database', async () => {
    const [batch] = (await t.http().get('/v1/settlement-batches').set(bearer(t.adminKey))).body.data;
    const original = readFileSync(join(t.outbox, batch.fileName));
    unlinkSync(join(t.outbox, batch.fileName));
    const served = await fetchFile(t, batch.id);
    expect(served.status).toBe(200);
    expect(served.body.equals(original)).toBe(true);
  });

  it('replays an Idempotency-Key: the same batch, no second one, and a later pending charge stays pending', async () => {
    const c1 = await adjust(t, accountA, 300, 'idem 1');
    const first = await runSettlement(t, t.adminKey, 'settle-1');
    expect(first.status).toBe(201);
    const c2 = await adjust(t, accountA, 400, 'idem 2');
    const replay = await runSettlement(t, t.adminKey, 'settle-1');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const st = await chargeStatuses(t, [c1.id, c2.id]);
    expect(st[c1.id]).toMatchObject({ status: 'EXPORTED', batch: first.body.id });
    expect(st[c2.id]).toMatchObject({ status: 'PENDING', batch: null });
    const next = await runSettlement(t, t.adminKey, 'settle-2');
    expect(next.body).toMatchObject({ recordCount: 1, totalAmountFen: 400 });
    expect((await runSettlement(t, t.adminKey, 'settle-3')).status).toBe(204);
    expect((await runSettlement(t, t.adminKey, 'settle-3')).status).toBe(204);
  });

  it('concurrent runs serialise: each pending charge lands in exactly one batch', async () => {
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => adjust(t, i % 2 ? accountA : accountB, 10 + i, `race ${i}`)));
    const answers = await Promise.all(Array.from({ length: 4 }, () => runSettlement(t)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 204, 204, 204]);
    const batch = answers.find((a) => a.status === 201)!.body;
    // Σ (10 + i) for i = 0..19 = 200 + 190 = 390
    expect(batch).toMatchObject({ recordCount: 20, totalAmountFen: 390 });
    const st = await chargeStatuses(
      t,
      made.map((c) => c.id),
    );
    expect(new Set(Object.values(st).map((s) => s.batch))).toEqual(new Set([batch.id]));
  });

  describe('ack and requeue', () => {
    let batch: Record<string, any>;
    let ids: string[];

    beforeAll(async () => {
      const made = [await adjust(t, accountA, 100, 'ack a'), await adjust(t, accountA, 200, 'ack b'), await adjust(t, accountB, 300, 'ack c')];
      ids = made.map((c) => c.id);
      batch = (await runSettlement(t)).body;
    });
    const ack = (body: object, id = batch.id) => t.http().post(`/v1/settlement-batches/${id}/ack`).set(bearer(t.adminKey)).send(body);

    it('refuses recordIds that are not records of the batch (400 naming each index) and changes nothing', async () => {
      const foreign = (await t.db.query(`SELECT id FROM charges WHERE settlement_batch_id <> $1 LIMIT 1`, [batch.id]))[0].id;
      const res = await ack({
        rejected: [
          { recordId: ids[0], reason: 'ok' },
          { recordId: foreign, reason: 'other batch' },
          { recordId: '6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11', reason: 'unknown' },
          { recordId: ids[0], reason: 'twice' },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['rejected[1].recordId', 'rejected[2].recordId', 'rejected[3].recordId']);
      expect(Object.values(await chargeStatuses(t, ids)).map((s) => s.status)).toEqual(['EXPORTED', 'EXPORTED', 'EXPORTED']);
      expect((await ack({ rejected: [{ recordId: 'nope', reason: 'x' }] })).body.errors[0].path).toBe('rejected[0].recordId');
      expect((await ack({})).status).toBe(400);
    });

    it('accepts every other record, rejects the listed ones with their reason; a second ack is 409', async () => {
      const res = await ack({ rejected: [{ recordId: ids[1], reason: '用户已销户, line "closed"' }] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: batch.id, status: 'acknowledged', acceptedCount: 2, rejectedCount: 1 });
      const st = await chargeStatuses(t, ids);
      expect(st[ids[0]]).toEqual({ status: 'ACCEPTED', batch: batch.id, reason: null });
      expect(st[ids[1]]).toEqual({ status: 'REJECTED', batch: batch.id, reason: '用户已销户, line "closed"' });
      expect(st[ids[2]]).toEqual({ status: 'ACCEPTED', batch: batch.id, reason: null });
      const again = await ack({ rejected: [] });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('BATCH_ALREADY_ACKNOWLEDGED');
    });

    it('requeues only a REJECTED charge; it goes out in the next batch and the old file is unchanged', async () => {
      const oldFile = await fetchFile(t, batch.id);
      const requeue = (id: string) => t.http().post(`/v1/charges/${id}/requeue`).set(bearer(t.adminKey));
      expect((await requeue(ids[0])).status).toBe(409);
      const res = await requeue(ids[1]);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ids[1], status: 'PENDING', settlementBatchId: null, rejectionReason: null });
      expect((await requeue(ids[1])).status).toBe(409);
      expect((await requeue('6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11')).status).toBe(404);
      const next = (await runSettlement(t)).body;
      expect(next).toMatchObject({ recordCount: 1, totalAmountFen: 200 });
      expect(parseSettlement((await fetchFile(t, next.id)).body).records.map((r) => r[0])).toEqual([ids[1]]);
      const again = await fetchFile(t, batch.id);
      expect(again.body.equals(oldFile.body)).toBe(true);
      expect(again.headers['x-content-sha256']).toBe(batch.sha256);
    });

    it('a ready batch can still be listed and read; unknown ids are 404', async () => {
      expect((await t.http().get(`/v1/settlement-batches/${batch.id}`).set(bearer(t.adminKey))).body.status).toBe('acknowledged');
      expect((await t.http().get('/v1/settlement-batches/6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11').set(bearer(t.adminKey))).status).toBe(404);
      expect((await ack({ rejected: [] }, '6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11')).status).toBe(404);
    });
  });

  it('billing may run settlement; partner and gateway keys may not touch it', async () => {
    const billing = await t.keyFor('billing');
    expect((await t.http().get('/v1/settlement-batches').set(bearer(billing))).status).toBe(200);
    const [any] = (await t.http().get('/v1/settlement-batches').set(bearer(billing))).body.data;
    for (const role of [`account:${accountA}`, 'provider:prov', 'gateway']) {
      const key = await t.keyFor(role);
      expect((await runSettlement(t, key)).status).toBe(403);
      expect((await t.http().get('/v1/settlement-batches').set(bearer(key))).status).toBe(403);
      expect((await fetchFile(t, any.id, key)).status).toBe(403);
      expect((await t.http().post(`/v1/charges/${any.id}/requeue`).set(bearer(key))).status).toBe(403);
    }
  });
});
