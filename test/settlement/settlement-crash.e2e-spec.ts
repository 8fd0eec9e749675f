import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SettlementRunner } from '../../src/settlement/settlement-runner.service';
import { createAccount } from '../support/fixtures';
import { adjust, fetchFile, parseSettlement, runSettlement, sha256, startSettlementApp } from './support';

/**
 * Crashes are injected at the two seams of the protocol: after phase 1 committed but before any
 * file (by calling phase 1 alone), and after the file is in place but before phase 3 (a trigger in
 * the database that refuses the batch's move to ready, as a crash at that instant would leave it).
 * In both cases the next run must finish that batch, lose no charge and put none in two batches.
 */
describe('settlement crash safety', () => {
  let t: Awaited<ReturnType<typeof startSettlementApp>>;
  let runner: SettlementRunner;
  let account: string;
  const batches = () => t.db.query(`SELECT id, status, record_count, total_amount_fen, sha256, file_name FROM settlement_batches ORDER BY created_at`);
  const membership = async () =>
    (await t.db.query(`SELECT id, status, settlement_batch_id FROM charges ORDER BY seq`)) as {
      id: string;
      status: string;
      settlement_batch_id: string | null;
    }[];

  beforeAll(async () => {
    t = await startSettlementApp();
    runner = t.app.get(SettlementRunner);
    account = await createAccount(t);
  });
  afterAll(() => t.close());
  afterEach(() => crashBeforePhase3(false));

  /** While on, phase 3 (the batch becoming ready) fails inside PostgreSQL, after the file was published. */
  async function crashBeforePhase3(on: boolean): Promise<void> {
    await t.db.query(`DROP TRIGGER IF EXISTS crash_before_ready ON settlement_batches`);
    if (!on) return;
    await t.db.query(`CREATE OR REPLACE FUNCTION crash_before_ready() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected crash before phase 3'; END $$`);
    await t.db.query(`CREATE TRIGGER crash_before_ready BEFORE UPDATE ON settlement_batches
      FOR EACH ROW WHEN (NEW.status = 'ready' AND OLD.status = 'preparing') EXECUTE FUNCTION crash_before_ready()`);
  }

  it('a crash after phase 1 (charges assigned, no file): the next run writes that batch first, then a new one', async () => {
    const first = [await adjust(t, account, 100, 'one'), await adjust(t, account, 200, 'two')];
    const crashedId = await t.db.transaction((em) => runner.gather(em));
    expect(crashedId).not.toBeNull();
    const [crashed] = await batches();
    expect(crashed).toMatchObject({ id: crashedId, status: 'preparing', record_count: 2, total_amount_fen: '300', sha256: null });
    expect(existsSync(join(t.outbox, crashed.file_name))).toBe(false);
    const later = await adjust(t, account, 400, 'three');

    const res = await runSettlement(t);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ recordCount: 1, totalAmountFen: 400 });
    const [done, fresh] = await batches();
    expect(done).toMatchObject({ id: crashedId, status: 'ready', record_count: 2 });
    expect(fresh.id).toBe(res.body.id);
    const bytes = readFileSync(join(t.outbox, done.file_name));
    expect(sha256(bytes)).toBe(done.sha256);
    const file = parseSettlement(bytes);
    expect(file.records.map((r) => r[0])).toEqual(first.map((c) => c.id));
    expect(file.trailer).toEqual(['TRAILER', crashedId, '2', '300']);
    const rows = await membership();
    expect(rows.map((r) => r.settlement_batch_id)).toEqual([crashedId, crashedId, res.body.id]);
    expect(rows.find((r) => r.id === later.id)!.status).toBe('EXPORTED');
  });

  it('a crash after the file is renamed but before phase 3: the next run regenerates the same bytes and marks it ready', async () => {
    const made = [await adjust(t, account, 7, 'crash, "after" file'), await adjust(t, account, 8, '第二条')];
    await crashBeforePhase3(true);
    const crashed = await runSettlement(t);
    expect(crashed.status).toBe(500);
    const preparing = (await batches()).filter((b: { status: string }) => b.status === 'preparing');
    expect(preparing).toHaveLength(1);
    const path = join(t.outbox, preparing[0].file_name);
    const written = readFileSync(path);
    // A leftover temporary file from the crashed writer must not matter either.
    writeFileSync(`${path}.tmp`, 'garbage');
    await crashBeforePhase3(false);

    const extra = await adjust(t, account, 9, 'after the crash');
    const res = await runSettlement(t);
    expect(res.body).toMatchObject({ recordCount: 1, totalAmountFen: 9 });
    const [recovered] = (await batches()).filter((b: { id: string }) => b.id === preparing[0].id);
    expect(recovered).toMatchObject({ status: 'ready', record_count: 2, total_amount_fen: '15' });
    expect(readFileSync(path).equals(written)).toBe(true);
    expect(recovered.sha256).toBe(sha256(written));
    expect(existsSync(`${path}.tmp`)).toBe(false);
    const served = await fetchFile(t, recovered.id);
    expect(served.body.equals(written)).toBe(true);
    const rows = await membership();
    for (const c of made) expect(rows.find((r) => r.id === c.id)!.settlement_batch_id).toBe(recovered.id);
    expect(rows.find((r) => r.id === extra.id)!.settlement_batch_id).toBe(res.body.id);
  });

  it('a retry with the Idempotency-Key of a crashed request answers the batch it created, now ready', async () => {
    await adjust(t, account, 11, 'idem crash');
    await crashBeforePhase3(true);
    expect((await runSettlement(t, t.adminKey, 'crash-key')).status).toBe(500);
    await crashBeforePhase3(false);
    const retry = await runSettlement(t, t.adminKey, 'crash-key');
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ status: 'ready', recordCount: 1, totalAmountFen: 11 });
  });

  it('after every crash: no charge is pending, none is in two batches, every batch adds up', async () => {
    const rows = await membership();
    expect(rows.every((r) => r.status === 'EXPORTED' && r.settlement_batch_id)).toBe(true);
    const sums = await t.db.query(
      `SELECT b.id, b.record_count, b.total_amount_fen, count(c.id)::int AS n, coalesce(sum(c.amount_fen), 0)::text AS total
       FROM settlement_batches b LEFT JOIN charges c ON c.settlement_batch_id = b.id GROUP BY b.id`,
    );
    for (const s of sums) {
      expect(s.n).toBe(s.record_count);
      expect(s.total).toBe(s.total_amount_fen);
    }
    expect((await batches()).every((b: { status: string }) => b.status === 'ready')).toBe(true);
  });
});
