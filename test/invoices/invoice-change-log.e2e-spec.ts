import { DataSource, EntityManager } from 'typeorm';
import { ChargeWriter, NewCharge } from '../../src/charges/charge-writer';
import { Clock } from '../../src/common/clock/clock';
import { InvoiceChangeLog } from '../../src/invoices/invoice-change-log';
import { invoiceHeads } from '../../src/invoices/invoice-heads';
import { periodIn, shanghaiPeriodEnd, shiftPeriod } from '../support/calendar';
import { rowsRead } from '../support/plan-cost';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { bearer } from '../support/test-app';
import { externalRefOf, runSettlement, startSettlementApp } from '../settlement/support';

const ACCOUNTS = 3_000;
const MINUTE = 60_000;

interface Head {
  id: string;
  updatedAt: string;
}

/**
 * What the invoice list must answer, recomputed from what each invoice shows rather than from the
 * change log: its latest line update, its account's latest cycle of the period created or rated,
 * and the period end once it has passed; ordered by (updatedAt, id).
 */
async function expectedHeads(db: DataSource, now: Date, period?: string): Promise<Head[]> {
  const rows: { id: string; billing_period: string; stamp: Date | null }[] = await db.query(
    `SELECT i.id, i.billing_period, greatest(
       (SELECT max(c.updated_at) FROM charges c WHERE c.account_id = i.account_id AND c.billing_period = i.billing_period),
       (SELECT max(greatest(c.created_at, c.rated_at)) FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id
         WHERE s.account_id = i.account_id AND c.period = i.billing_period)) AS stamp
     FROM invoices i WHERE $1::text IS NULL OR i.billing_period = $1`,
    [period ?? null],
  );
  return rows
    .map((r) => {
      const end = shanghaiPeriodEnd(r.billing_period);
      const at = Math.max(r.stamp?.getTime() ?? 0, end <= now ? end.getTime() : 0);
      return { id: r.id, updatedAt: new Date(at).toISOString() };
    })
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
}

describe('invoice change log: the invoice list reads a page, not every invoice', () => {
  let t: Awaited<ReturnType<typeof startSettlementApp>>;
  const current = periodIn(new Date(), 'Asia/Shanghai');
  const periods = [shiftPeriod(current, -2), shiftPeriod(current, -1), current];
  const list = (query: Record<string, string | number>) => t.http().get('/v1/invoices').query(query).set(bearer(t.adminKey));
  const clockAt = (at: Date) => ({ now: () => at }) as Clock;
  const pruner = (at: Date) => new InvoiceChangeLog(t.db, clockAt(at));

  async function walk(query: Record<string, string | number>): Promise<Head[]> {
    const out: Head[] = [];
    let cursor: string | null = null;
    do {
      const res = await list({ ...query, limit: 500, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      out.push(...res.body.data.map((i: Head) => ({ id: i.id, updatedAt: i.updatedAt })));
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  }

  /** The rows one page of the list reads, measured with EXPLAIN ANALYZE on the statement the list runs. */
  async function pageCost(filter: Parameters<typeof invoiceHeads>[1], limit: number): Promise<number> {
    let cost = 0;
    const explaining = {
      query: async (sql: string, params: unknown[]) => {
        const [{ 'QUERY PLAN': plan }] = await t.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
        cost = rowsRead(plan[0].Plan);
        return [];
      },
    } as unknown as EntityManager;
    await invoiceHeads(explaining, filter, new Date(), limit);
    return cost;
  }

  beforeAll(async () => {
    t = await startSettlementApp();
    await t.db.query(
      `INSERT INTO accounts (external_ref, type, name) SELECT 'bulk-' || n, 'individual', 'Bulk ' || n FROM generate_series(1, ${ACCOUNTS}) AS n`,
    );
    const accounts: { id: string; external_ref: string }[] = await t.db.query(`SELECT id, external_ref FROM accounts ORDER BY external_ref`);
    const writer = t.app.get(ChargeWriter);
    // Charges of the two past periods and this one, stamped ten minutes ago (old enough to prune).
    const at = new Date(Date.now() - 10 * MINUTE);
    for (const period of periods) {
      const charges: NewCharge[] = accounts.map((a, n) => ({
        accountId: a.id,
        accountExternalRef: a.external_ref,
        billingPeriod: period,
        type: 'ADJUSTMENT',
        description: 'bulk',
        quantity: null,
        amountFen: 100 + n,
        sourceRef: `bulk-${period}-${n}`,
      }));
      await t.db.transaction((em) => writer.writeMany(em, charges, at));
    }
    await t.db.query(`ANALYZE invoices; ANALYZE invoice_changes; ANALYZE charges; ANALYZE subscriptions; ANALYZE cycles`);
  });
  afterAll(() => t.close());

  it('walks every invoice once, in (updatedAt, id) order, with the updatedAt each one shows; by period and since an instant too', async () => {
    const all = await walk({});
    expect(all).toHaveLength(ACCOUNTS * periods.length);
    expect(all).toEqual(await expectedHeads(t.db, new Date()));
    expect(await walk({ period: periods[1] })).toEqual(await expectedHeads(t.db, new Date(), periods[1]));
    const since = all[Math.floor(all.length / 2)].updatedAt;
    expect(await walk({ updatedSince: since })).toEqual(all.filter((h) => h.updatedAt >= since));
  });

  it('logs one change per invoice at registration, plus the period end while it is still to come', async () => {
    const rows: { billing_period: string; n: string }[] = await t.db.query(
      `SELECT billing_period, count(*) AS n FROM invoice_changes GROUP BY billing_period ORDER BY billing_period`,
    );
    // The past periods' ends came before their charges: nothing to log. This period's end is to come.
    expect(rows.map((r) => [r.billing_period, Number(r.n)])).toEqual([
      [periods[0], ACCOUNTS],
      [periods[1], ACCOUNTS],
      [periods[2], 2 * ACCOUNTS],
    ]);
  });

  it('settlement moves every exported invoice to the end of the feed; pruning then keeps one visible change each and the future period ends', async () => {
    const t0 = new Date();
    const batch = await runSettlement(t);
    expect(batch.status).toBe(201);
    const moved = await walk({ updatedSince: t0.toISOString() });
    expect(moved).toHaveLength(ACCOUNTS * periods.length);
    expect(moved).toEqual(await expectedHeads(t.db, new Date()));
    // The export is newer than the pruning margin: nothing may go yet.
    expect((await pruner(new Date()).prune()).pruned).toBe(0);
    // Seen from two minutes on, each invoice's charge entry is superseded by its export.
    const later = new Date(Date.now() + 2 * MINUTE);
    expect((await pruner(later).prune()).pruned).toBe(ACCOUNTS * periods.length);
    const left: { visible: string; future: string }[] = await t.db.query(
      `SELECT count(*) FILTER (WHERE at <= $1) AS visible, count(*) FILTER (WHERE at > $1) AS future FROM invoice_changes GROUP BY invoice_id`,
      [later.toISOString()],
    );
    expect(left).toHaveLength(ACCOUNTS * periods.length);
    expect(new Set(left.map((r) => `${r.visible}+${r.future}`))).toEqual(new Set(['1+0', '1+1']));
    expect(await walk({})).toEqual(moved);
    // Again: nothing more, and two runs at once do not trip over each other.
    const again = await Promise.all([pruner(later).prune(), pruner(later).prune()]);
    expect(again.map((r) => r.pruned)).toEqual([0, 0]);
  });

  it('a page reads rows in proportion to its size, not to the number of invoices', async () => {
    await t.db.query(`ANALYZE invoice_changes`);
    const all = await walk({});
    const middle = all[Math.floor(all.length / 2)];
    const [{ account_id: account }] = await t.db.query(`SELECT account_id FROM invoices WHERE id = $1`, [middle.id]);
    const limit = 51;
    const costs = [
      await pageCost({}, limit),
      await pageCost({ after: { updatedAt: middle.updatedAt, id: middle.id } }, limit),
      await pageCost({ period: periods[0] }, limit),
      await pageCost({ updatedSince: new Date(middle.updatedAt) }, limit),
      await pageCost({ accountId: account }, limit),
    ];
    // A returned invoice costs its change row, the probe for a later change, its invoice row and
    // its account's cycles: a small multiple of the page, far below the 9,000 invoices stored.
    for (const cost of costs) expect(cost).toBeLessThanOrEqual(10 * limit);
  });
});

describe('invoice change log: what registers an invoice and what changes one', () => {
  let t: Awaited<ReturnType<typeof startSettlementApp>>;
  const current = periodIn(new Date(), 'Asia/Shanghai');
  const previous = shiftPeriod(current, -1);
  const one = async (accountId: string, period: string) => {
    const res = await t.http().get('/v1/invoices').query({ accountId, period }).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    return res.body.data as { id: string; status: string; updatedAt: string }[];
  };

  beforeAll(async () => {
    t = await startSettlementApp();
    await createModel(t, 'm-log');
    await createPlan(t, { code: 'log-plan', models: ['m-log'] });
  });
  afterAll(() => t.close());

  async function account(): Promise<{ id: string; externalRef: string }> {
    const id = await createAccount(t);
    return { id, externalRef: await externalRefOf(t, id) };
  }

  it('a charge skipped as a duplicate registers no invoice: no invoice ever has no lines', async () => {
    const a = await account();
    const writer = t.app.get(ChargeWriter);
    const charge = (billingPeriod: string): NewCharge => ({
      accountId: a.id,
      accountExternalRef: a.externalRef,
      billingPeriod,
      type: 'ADJUSTMENT',
      description: 'once',
      quantity: null,
      amountFen: 700,
      sourceRef: `once-${a.id}`,
    });
    expect((await t.db.transaction((em) => writer.write(em, charge(previous)))).created).toBe(true);
    // The same charge again, as a retry a month later would write it: the first one stands.
    expect((await t.db.transaction((em) => writer.write(em, charge(current)))).created).toBe(false);
    expect(await t.db.transaction((em) => writer.writeMany(em, [charge(current)]))).toEqual([]);
    const registered: { billing_period: string }[] = await t.db.query(`SELECT billing_period FROM invoices WHERE account_id = $1`, [a.id]);
    expect(registered.map((r) => r.billing_period)).toEqual([previous]);
    expect(await one(a.id, current)).toEqual([]);
  });

  it('a subscription backdated into a final invoice’s period opens it again and moves its updatedAt', async () => {
    const a = await account();
    await t.db.transaction((em) =>
      t.app.get(ChargeWriter).write(em, {
        accountId: a.id,
        accountExternalRef: a.externalRef,
        billingPeriod: previous,
        type: 'ADJUSTMENT',
        description: 'credit',
        quantity: null,
        amountFen: -300,
        sourceRef: `credit-${a.id}`,
      }),
    );
    const [before] = await one(a.id, previous);
    // No cycle of the account in a period that has ended: final.
    expect(before.status).toBe('final');
    const t0 = Date.now();
    await subscribe(t, a.id, 'log-plan', [{ subscriberId: '8613900000777' }], `${previous}-20T00:00:00+08:00`);
    const [after] = await one(a.id, previous);
    expect(after.id).toBe(before.id);
    expect(after.status).toBe('open');
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(t0 - 1);
  });
});
