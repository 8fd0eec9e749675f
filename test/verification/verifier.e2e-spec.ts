import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { periodOf } from '../../src/billing-rules';
import { Verifier } from '../../src/verification/verifier.service';
import { Difference, VerificationReport } from '../../src/verification/verification-report';
import { startSettlementApp } from '../settlement/support';
import { shanghaiPeriodEnd } from '../support/calendar';
import { bearer, TestApp } from '../support/test-app';
import { Month, runMonth, tax } from './month-scenario';

describe('verifier: every derived figure recomputed from its source (SPEC §15)', () => {
  let t: TestApp & { outbox: string };
  let month: Month;
  let verifier: Verifier;

  const only = (r: VerificationReport, kind: string): Difference[] => r.differences.filter((d) => d.kind === kind);
  /** Tampers, verifies, restores, and checks the restored state is clean again. */
  async function tampered(change: string, restore: string, params: unknown[]): Promise<VerificationReport> {
    await t.db.query(change, params);
    try {
      return await verifier.run();
    } finally {
      await t.db.query(restore, params);
    }
  }

  /** `npm run cli -- verify` as a separate process on this test's database and outbox. */
  function cliVerify(): Promise<{ code: number; report: VerificationReport }> {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: t.config.DATABASE_URL,
      REDIS_URL: t.config.REDIS_URL,
      REDIS_PREFIX: t.config.REDIS_PREFIX,
      SETTLEMENT_OUTBOX_DIR: t.outbox,
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'silent',
    };
    const args = ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', 'verify'];
    return new Promise((done, fail) =>
      execFile(process.execPath, args, { cwd: join(__dirname, '..', '..'), env, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        try {
          done({ code, report: JSON.parse(stdout) });
        } catch {
          fail(new Error(`cli verify exited ${code}: ${stderr}`));
        }
      }),
    );
  }

  beforeAll(async () => {
    t = await startSettlementApp();
    month = await runMonth(t);
    verifier = t.app.get(Verifier);
  });
  afterAll(() => t.close());

  it('finds zero differences after a month of subscriptions, usage, a bill run, top-up, adjustment and settlement', async () => {
    const report = await verifier.run();
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary.totalDifferences).toBe(0);
    // 6 recorded events (the duplicate and the unknown model are not in the ledger); 5 charges;
    // invoices: A and B last month, A (top-up) and B (adjustment) this month; one batch.
    expect(report.summary.checked).toMatchObject({ 'ledger-entry': 6, charge: 5, invoice: 4, 'settlement-batch': 1 });
    expect(report.summary.checked['bucket-balance']).toBeGreaterThanOrEqual(5);
    expect(report.summary.checked['member-usage']).toBe(5);
    // provider usage: one key per (model, rate version, month of occurredAt in the billing zone) of the ledger
    const rows: { model_code: string; rate_id: string; occurred_at: Date }[] = await t.db.query(`SELECT model_code, rate_id, occurred_at FROM usage_ledger`);
    const keys = new Set(rows.map((r) => `${periodOf(r.occurred_at, t.config.BILLING_TZ)}:${r.model_code}:${r.rate_id}`));
    expect(report.summary.checked['provider-usage']).toBe(keys.size);
  });

  it('serves the same report at GET /v1/admin/verify to admin and billing, and refuses other roles', async () => {
    const billing = await t.keyFor('billing');
    const res = await t.http().get('/v1/admin/verify').set(bearer(billing));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, summary: { totalDifferences: 0 }, differences: [] });
    const gateway = await t.keyFor('gateway');
    expect((await t.http().get('/v1/admin/verify').set(bearer(gateway))).status).toBe(403);
    expect((await t.http().get('/v1/admin/verify')).status).toBe(401);
  });

  it('reports a bucket balance that disagrees with the ledger draws', async () => {
    const [bucket] = await t.db.query(
      `SELECT b.id FROM buckets b JOIN cycles c ON c.id = b.cycle_id WHERE b.subscription_id = $1 AND b.kind = 'plan' AND c.status = 'open'`,
      [month.ids.a1],
    );
    const report = await tampered(
      `UPDATE buckets SET remaining_credits = remaining_credits - 7 WHERE id = $1`,
      `UPDATE buckets SET remaining_credits = remaining_credits + 7 WHERE id = $1`,
      [bucket.id],
    );
    // 1,000,000 granted − 50,000 drawn this month
    expect(report.differences).toEqual([
      { kind: 'bucket-balance', entity: 'bucket', id: bucket.id, expected: { remainingCredits: 950_000 }, actual: { remainingCredits: 949_993 } },
    ]);
    expect(report.ok).toBe(false);
    expect(report.summary.differences['bucket-balance']).toBe(1);
  });

  it("reports a cycle's unbilled counter and a member's usage that disagree with the ledger", async () => {
    const [cycle] = await t.db.query(`SELECT id FROM cycles WHERE subscription_id = $1 AND period = $2`, [month.ids.a1, month.lastPeriod]);
    const unbilled = await tampered(`UPDATE cycles SET unbilled_credits = 99000 WHERE id = $1`, `UPDATE cycles SET unbilled_credits = 100000 WHERE id = $1`, [
      cycle.id,
    ]);
    expect(unbilled.differences).toEqual([
      { kind: 'cycle-usage', entity: 'cycle', id: cycle.id, expected: { unbilledCredits: 100_000 }, actual: { unbilledCredits: 99_000 } },
    ]);
    const [bCycle] = await t.db.query(`SELECT id FROM cycles WHERE subscription_id = $1 AND period = $2`, [month.ids.b1, month.lastPeriod]);
    const used = await tampered(
      `UPDATE member_cycle_usage SET used_credits = used_credits + 500 WHERE cycle_id = $1 AND subscriber_id = 'v-b2'`,
      `UPDATE member_cycle_usage SET used_credits = used_credits - 500 WHERE cycle_id = $1 AND subscriber_id = 'v-b2'`,
      [bCycle.id],
    );
    expect(used.differences).toEqual([
      { kind: 'member-usage', entity: 'member-cycle-usage', id: `${bCycle.id}:v-b2`, expected: { usedCredits: 600_000 }, actual: { usedCredits: 600_500 } },
    ]);
  });

  /** The ledger's own totals of one (period, model, rate version), as the provider-usage check recomputes them. */
  async function ledgerTotals(period: string, model: string, rateId: string): Promise<{ requests: number; inputTokens: number; outputTokens: number }> {
    const rows: { occurred_at: Date; input_tokens: string; output_tokens: string }[] = await t.db.query(
      `SELECT occurred_at, input_tokens, output_tokens FROM usage_ledger WHERE model_code = $1 AND rate_id = $2`,
      [model, rateId],
    );
    const mine = rows.filter((r) => periodOf(r.occurred_at, t.config.BILLING_TZ) === period);
    return {
      requests: mine.length,
      inputTokens: mine.reduce((a, r) => a + Number(r.input_tokens), 0),
      outputTokens: mine.reduce((a, r) => a + Number(r.output_tokens), 0),
    };
  }

  it('reports a ledger entry whose credits do not follow from its tokens and weights, and the provider usage it no longer matches', async () => {
    const [entry] = await t.db.query(`SELECT event_id, model_code, rate_id, occurred_at FROM usage_ledger WHERE subscriber_id = 'v-b2'`);
    const period = periodOf(entry.occurred_at, t.config.BILLING_TZ);
    const { inputTokens } = await ledgerTotals(period, entry.model_code, entry.rate_id);
    const report = await tampered(
      `UPDATE usage_ledger SET input_tokens = input_tokens + 1 WHERE event_id = $1`,
      `UPDATE usage_ledger SET input_tokens = input_tokens - 1 WHERE event_id = $1`,
      [entry.event_id],
    );
    expect(report.differences).toEqual([
      { kind: 'ledger-entry', entity: 'usage-ledger', id: entry.event_id, expected: { credits: 600_001 }, actual: { credits: 600_000 } },
      // the parts were written with the row as recorded: one token fewer than the tampered ledger
      {
        kind: 'provider-usage',
        entity: 'provider-usage',
        id: `${period}:${entry.model_code}:${entry.rate_id}`,
        expected: { inputTokens: inputTokens + 1 },
        actual: { inputTokens },
      },
    ]);
  });

  it('reports provider usage parts that disagree with the ledger: changed, missing, or with no ledger rows at all', async () => {
    const [part] = await t.db.query(`SELECT seq, model_code, rate_id, period FROM provider_usage_parts ORDER BY seq LIMIT 1`);
    const id = `${part.period}:${part.model_code}:${part.rate_id}`;
    const totals = await ledgerTotals(part.period, part.model_code, part.rate_id);
    const changed = await tampered(
      `UPDATE provider_usage_parts SET output_tokens = output_tokens + 3, requests = requests + 1 WHERE seq = $1`,
      `UPDATE provider_usage_parts SET output_tokens = output_tokens - 3, requests = requests - 1 WHERE seq = $1`,
      [part.seq],
    );
    expect(changed.differences).toEqual([
      {
        kind: 'provider-usage',
        entity: 'provider-usage',
        id,
        expected: { requests: totals.requests, outputTokens: totals.outputTokens },
        actual: { requests: totals.requests + 1, outputTokens: totals.outputTokens + 3 },
      },
    ]);

    const [whole] = await t.db.query(`SELECT * FROM provider_usage_parts WHERE seq = $1`, [part.seq]);
    const others = await t.db.query(
      `SELECT count(*)::int AS n FROM provider_usage_parts WHERE period = $1 AND model_code = $2 AND rate_id = $3 AND seq <> $4`,
      [part.period, part.model_code, part.rate_id, part.seq],
    );
    await t.db.query(`DELETE FROM provider_usage_parts WHERE seq = $1`, [part.seq]);
    let missing: VerificationReport;
    try {
      missing = await verifier.run();
    } finally {
      await t.db.query(
        `INSERT INTO provider_usage_parts (seq, model_code, rate_id, period, requests, input_tokens, output_tokens) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [whole.seq, whole.model_code, whole.rate_id, whole.period, whole.requests, whole.input_tokens, whole.output_tokens],
      );
    }
    const less = (n: number, by: string) => n - Number(by);
    expect(only(missing, 'provider-usage')).toEqual([
      others[0].n === 0
        ? { kind: 'provider-usage', entity: 'provider-usage', id, expected: totals, actual: null }
        : {
            kind: 'provider-usage',
            entity: 'provider-usage',
            id,
            expected: totals,
            actual: {
              requests: less(totals.requests, whole.requests),
              inputTokens: less(totals.inputTokens, whole.input_tokens),
              outputTokens: less(totals.outputTokens, whole.output_tokens),
            },
          },
    ]);

    const phantom = await tampered(
      `INSERT INTO provider_usage_parts (model_code, rate_id, period, requests, input_tokens, output_tokens) VALUES ($1, $2, '2001-01', 2, 10, 20)`,
      `DELETE FROM provider_usage_parts WHERE model_code = $1 AND rate_id = $2 AND period = '2001-01'`,
      [part.model_code, part.rate_id],
    );
    expect(phantom.differences).toEqual([
      {
        kind: 'provider-usage',
        entity: 'provider-usage',
        id: `2001-01:${part.model_code}:${part.rate_id}`,
        expected: { requests: 0, inputTokens: 0, outputTokens: 0 },
        actual: { requests: 2, inputTokens: 10, outputTokens: 20 },
      },
    ]);
    expect((await verifier.run()).ok).toBe(true);
  });

  it('reports an overage charge changed after rating: the charge, its tax, its invoice and its settlement record', async () => {
    const [charge] = await t.db.query(`SELECT id, settlement_batch_id FROM charges WHERE type = 'OVERAGE'`);
    const [invoice] = await t.db.query(`SELECT id FROM invoices WHERE account_id = $1 AND billing_period = $2`, [month.ids.accountB, month.lastPeriod]);
    const report = await tampered(`UPDATE charges SET amount_fen = 430 WHERE id = $1`, `UPDATE charges SET amount_fen = 330 WHERE id = $1`, [charge.id]);
    expect(only(report, 'charge')).toEqual([
      { kind: 'charge', entity: 'charge', id: charge.id, expected: { amountFen: 330, taxFen: tax(430) }, actual: { amountFen: 430, taxFen: tax(330) } },
    ]);
    // B's invoice of last month: RECURRING 19,900 + OVERAGE 330 expected; the stored taxes still sum as expected.
    expect(only(report, 'invoice')).toEqual([
      { kind: 'invoice', entity: 'invoice', id: invoice.id, expected: { totalFen: 20_230 }, actual: { totalFen: 20_330 } },
    ]);
    expect(only(report, 'settlement-batch')).toEqual([
      {
        kind: 'settlement-batch',
        entity: 'settlement-record',
        id: `${charge.settlement_batch_id}:${charge.id}`,
        expected: { amountFen: 430 },
        actual: { amountFen: 330 },
      },
    ]);
    expect(report.summary.totalDifferences).toBe(3);
  });

  it('reports an invoice whose change log or stored period end disagrees with what the invoice shows', async () => {
    const [invoice] = await t.db.query(`SELECT id FROM invoices WHERE account_id = $1 AND billing_period = $2`, [month.ids.accountB, month.lastPeriod]);
    // Its latest change is whichever is later: a line's update, a cycle of the period created or rated, the period end.
    const [truth] = await t.db.query(
      `SELECT greatest(
         (SELECT max(updated_at) FROM charges WHERE account_id = $1 AND billing_period = $2),
         (SELECT max(greatest(c.created_at, c.rated_at)) FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id
           WHERE s.account_id = $1 AND c.period = $2)) AS at`,
      [month.ids.accountB, month.lastPeriod],
    );
    const latest = new Date(Math.max(truth.at.getTime(), shanghaiPeriodEnd(month.lastPeriod).getTime())).toISOString();
    const stale = await tampered(
      `UPDATE invoice_changes SET at = at - interval '1 hour' WHERE invoice_id = $1 AND at = $2`,
      `UPDATE invoice_changes SET at = at + interval '1 hour' WHERE invoice_id = $1 AND at = $2::timestamptz - interval '1 hour'`,
      [invoice.id, latest],
    );
    expect(only(stale, 'invoice')).toHaveLength(1);
    expect(only(stale, 'invoice')[0]).toMatchObject({ id: invoice.id, expected: { updatedAt: latest } });
    expect(Date.parse(only(stale, 'invoice')[0].actual!.updatedAt as string)).toBeLessThan(Date.parse(latest));

    const moved = await tampered(
      `UPDATE invoices SET period_end_at = period_end_at + interval '1 day' WHERE id = $1`,
      `UPDATE invoices SET period_end_at = period_end_at - interval '1 day' WHERE id = $1`,
      [invoice.id],
    );
    const end = shanghaiPeriodEnd(month.lastPeriod);
    expect(only(moved, 'invoice')).toEqual([
      {
        kind: 'invoice',
        entity: 'invoice',
        id: invoice.id,
        expected: { periodEndAt: end.toISOString() },
        actual: { periodEndAt: new Date(end.getTime() + 86_400_000).toISOString() },
      },
    ]);
    expect((await verifier.run()).ok).toBe(true);
  });

  it('reports a charge whose tax does not follow the §2 rule, and a rated cycle left without its RECURRING charge', async () => {
    const [charge] = await t.db.query(`SELECT id, amount_fen FROM charges WHERE type = 'TOPUP'`);
    const report = await tampered(`UPDATE charges SET tax_fen = tax_fen + 1 WHERE id = $1`, `UPDATE charges SET tax_fen = tax_fen - 1 WHERE id = $1`, [
      charge.id,
    ]);
    expect(only(report, 'charge')).toEqual([
      { kind: 'charge', entity: 'charge', id: charge.id, expected: { taxFen: tax(500) }, actual: { taxFen: tax(500) + 1 } },
    ]);
    expect(only(report, 'invoice')).toHaveLength(1);
    expect(only(report, 'invoice')[0]).toMatchObject({ expected: { taxFen: tax(500) }, actual: { taxFen: tax(500) + 1 } });

    const [cycle] = await t.db.query(`SELECT id FROM cycles WHERE subscription_id = $1 AND period = $2`, [month.ids.a1, month.lastPeriod]);
    const missing = await tampered(
      `UPDATE charges SET type = 'TOPUP', cycle_id = NULL WHERE cycle_id = $1`,
      `UPDATE charges SET type = 'RECURRING', cycle_id = $1 WHERE type = 'TOPUP' AND amount_fen = 990`,
      [cycle.id],
    );
    expect(only(missing, 'charge')).toContainEqual({
      kind: 'charge',
      entity: 'cycle',
      id: `${cycle.id}:RECURRING`,
      expected: { chargeType: 'RECURRING', amountFen: 990 },
      actual: null,
    });
  });

  it('reports a settlement batch whose file or row no longer agrees', async () => {
    const [batch] = await t.db.query(`SELECT id, file_name, sha256 FROM settlement_batches`);
    const path = join(t.outbox, batch.file_name);
    const original = readFileSync(path);
    const edited = Buffer.from(original.toString('utf8').replace(',990,56,CNY', ',991,56,CNY'), 'utf8');
    expect(edited.equals(original)).toBe(false);
    writeFileSync(path, edited);
    let report: VerificationReport;
    try {
      report = await verifier.run();
    } finally {
      writeFileSync(path, original);
    }
    const [recurringA] = await t.db.query(`SELECT id FROM charges WHERE type = 'RECURRING' AND amount_fen = 990`);
    const { createHash } = await import('node:crypto');
    expect(only(report, 'settlement-batch')).toEqual([
      { kind: 'settlement-batch', entity: 'settlement-record', id: `${batch.id}:${recurringA.id}`, expected: { amountFen: 990 }, actual: { amountFen: 991 } },
      {
        kind: 'settlement-batch',
        entity: 'settlement-batch',
        id: batch.id,
        expected: { totalAmountFen: 21_521, sha256: createHash('sha256').update(edited).digest('hex') },
        actual: { totalAmountFen: 21_520, sha256: batch.sha256 },
      },
      {
        kind: 'settlement-batch',
        entity: 'settlement-file',
        id: `${batch.id}:trailer`,
        expected: { trailer: `TRAILER,${batch.id},5,21521` },
        actual: { trailer: `TRAILER,${batch.id},5,21520` },
      },
    ]);

    const stored = await tampered(
      `UPDATE settlement_batches SET record_count = 4 WHERE id = $1`,
      `UPDATE settlement_batches SET record_count = 5 WHERE id = $1`,
      [batch.id],
    );
    expect(stored.differences).toEqual([
      { kind: 'settlement-batch', entity: 'settlement-batch', id: batch.id, expected: { recordCount: 5 }, actual: { recordCount: 4 } },
    ]);
    expect((await verifier.run()).ok).toBe(true);
  });

  it('reports a charge marked as exported in a batch whose file does not list it', async () => {
    const [batch] = await t.db.query(`SELECT id FROM settlement_batches`);
    const late = await t.http().post(`/v1/accounts/${month.ids.accountB}/adjustments`).set(bearer(t.adminKey)).send({ amountFen: 300, reason: 'late' });
    expect(late.status).toBe(201);
    const report = await tampered(
      `UPDATE charges SET status = 'EXPORTED', settlement_batch_id = $1 WHERE id = $2`,
      `UPDATE charges SET status = 'PENDING', settlement_batch_id = NULL WHERE settlement_batch_id = $1 AND id = $2`,
      [batch.id, late.body.id],
    );
    expect(report.differences).toEqual([
      { kind: 'settlement-batch', entity: 'settlement-batch', id: batch.id, expected: { chargesListed: 6 }, actual: { chargesListed: 5 } },
    ]);
  });

  it('the CLI command exits 0 on a clean database and 1 when it finds a difference', async () => {
    const clean = await cliVerify();
    expect(clean.code).toBe(0);
    expect(clean.report.summary.totalDifferences).toBe(0);
    const [bucket] = await t.db.query(`SELECT id FROM buckets WHERE kind = 'topup'`);
    await t.db.query(`UPDATE buckets SET remaining_credits = remaining_credits - 1 WHERE id = $1`, [bucket.id]);
    try {
      const dirty = await cliVerify();
      expect(dirty.code).toBe(1);
      expect(dirty.report.differences).toEqual([
        { kind: 'bucket-balance', entity: 'bucket', id: bucket.id, expected: { remainingCredits: 200_000 }, actual: { remainingCredits: 199_999 } },
      ]);
    } finally {
      await t.db.query(`UPDATE buckets SET remaining_credits = remaining_credits + 1 WHERE id = $1`, [bucket.id]);
    }
  }, 120_000);
});
