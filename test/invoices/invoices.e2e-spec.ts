import { parse } from 'csv-parse/sync';
import { periodIn, shiftPeriod } from '../support/calendar';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { bearer } from '../support/test-app';
import { adjust, chargeWithDescription, runSettlement, startSettlementApp } from '../settlement/support';

describe('invoices', () => {
  let t: Awaited<ReturnType<typeof startSettlementApp>>;
  const current = periodIn(new Date(), 'Asia/Shanghai');
  const previous = shiftPeriod(current, -1);
  let a: string;
  let b: string;
  const list = (query: Record<string, string | number>, key = t.adminKey) => t.http().get('/v1/invoices').query(query).set(bearer(key));
  const one = async (accountId: string, period: string) => {
    const res = await list({ accountId, period });
    expect(res.body.data).toHaveLength(1);
    return res.body.data[0];
  };

  beforeAll(async () => {
    t = await startSettlementApp();
    await createModel(t, 'm-inv');
    await createPlan(t, { code: 'inv-plan', models: ['m-inv'] });
    a = await createAccount(t);
    b = await createAccount(t);
    await subscribe(t, a, 'inv-plan', [{ subscriberId: '8613900000001' }], `${previous}-05T00:00:00+08:00`);
    // Charges of the previous period come from another writer than the adjustment API (which always
    // writes into the current month): the bill run's ChargeWriter, with an explicit period.
    await chargeFor(a, previous, 990, 'Plan fee, "inv-plan"');
    await chargeFor(a, previous, -500, 'Credit, outage');
    await chargeFor(b, previous, 1000, '十一月 top-up');
    await adjust(t, b, 2500, 'current month');
  });
  afterAll(() => t.close());

  async function chargeFor(accountId: string, period: string, amountFen: number, description: string) {
    await chargeWithDescription(t, accountId, description, amountFen, period);
  }

  it('has one invoice per account and period with charges; totals and tax are the sums of the lines', async () => {
    const inv = await one(a, previous);
    expect(inv).toMatchObject({ accountId: a, billingPeriod: previous, status: 'open' });
    expect(inv.lines.map((l: { amountFen: number }) => l.amountFen)).toEqual([990, -500]);
    // 990 − 500 = 490; tax 990×600/10600 = 56.04 → 56 and −(500×600/10600 = 28.30 → 28): 56 − 28 = 28
    expect(inv.totalFen).toBe(490);
    expect(inv.taxFen).toBe(28);
    expect((await list({ accountId: a, period: current })).body.data).toEqual([]);
  });

  it('is final once the period has ended and every cycle of the account in it is rated; without cycles, at the period end', async () => {
    expect((await one(b, previous)).status).toBe('final');
    expect((await one(b, current)).status).toBe('open');
    const before = await one(a, previous);
    expect(before.status).toBe('open');
    const since = new Date().toISOString();
    // The bill run's outcome for that cycle: rated.
    await t.db.query(
      `UPDATE cycles SET status = 'rated', rated_at = now() WHERE period = $1 AND subscription_id IN (SELECT id FROM subscriptions WHERE account_id = $2)`,
      [previous, a],
    );
    const after = await one(a, previous);
    expect(after.status).toBe('final');
    expect(after.id).toBe(before.id);
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(since));
    expect((await list({ updatedSince: since })).body.data.map((i: { id: string }) => i.id)).toEqual([after.id]);
  });

  it('updatedSince sees every change: a new charge, an export by settlement, an ack', async () => {
    const t0 = new Date().toISOString();
    expect((await list({ updatedSince: t0 })).body.data).toEqual([]);
    await adjust(t, a, 300, 'new this month');
    const seen1 = (await list({ updatedSince: t0 })).body.data;
    expect(seen1.map((i: { accountId: string; billingPeriod: string }) => [i.accountId, i.billingPeriod])).toEqual([[a, current]]);
    const t1 = new Date().toISOString();
    const batch = (await runSettlement(t)).body;
    const seen2 = (await list({ updatedSince: t1 })).body.data;
    expect(seen2).toHaveLength(4);
    for (const inv of seen2) expect(inv.lines.every((l: { status: string }) => l.status === 'EXPORTED')).toBe(true);
    const t2 = new Date().toISOString();
    const rejectedId = (await one(b, current)).lines[0].id;
    await t
      .http()
      .post(`/v1/settlement-batches/${batch.id}/ack`)
      .set(bearer(t.adminKey))
      .send({ rejected: [{ recordId: rejectedId, reason: 'closed' }] });
    const seen3 = await one(b, current);
    expect(Date.parse(seen3.updatedAt)).toBeGreaterThanOrEqual(Date.parse(t2));
    expect(seen3.lines[0]).toMatchObject({ status: 'REJECTED', rejectionReason: 'closed' });
  });

  it('pages by (updatedAt, id) with a cursor; GET by id answers the same invoice', async () => {
    const all = (await list({})).body.data;
    expect(all).toHaveLength(4);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; nextCursor: string | null } = (await list({ limit: 1, ...(cursor ? { cursor } : {}) })).body;
      walked.push(...page.data.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all.map((i: { id: string }) => i.id));
    const sorted = [...all].sort((x, y) => x.updatedAt.localeCompare(y.updatedAt) || x.id.localeCompare(y.id));
    expect(all).toEqual(sorted);
    for (const inv of all) expect((await t.http().get(`/v1/invoices/${inv.id}`).set(bearer(t.adminKey))).body).toEqual(inv);
  });

  it('answers CSV with Accept: text/csv, one row per line, summing to the JSON totals', async () => {
    const inv = await one(a, previous);
    const res = await t.http().get(`/v1/invoices/${inv.id}`).set(bearer(t.adminKey)).set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows: Record<string, string>[] = parse(res.text, { columns: true });
    expect(rows.map((r) => r.recordId)).toEqual(inv.lines.map((l: { id: string }) => l.id));
    expect(rows.map((r) => r.description)).toEqual(['Plan fee, "inv-plan"', 'Credit, outage']);
    expect(rows.reduce((s, r) => s + Number(r.amountFen), 0)).toBe(inv.totalFen);
    expect(rows.reduce((s, r) => s + Number(r.taxFen), 0)).toBe(inv.taxFen);
    expect(new Set(rows.map((r) => r.invoiceStatus))).toEqual(new Set(['final']));
    const page = await list({ limit: 1 }).set('Accept', 'text/csv');
    expect(page.headers['x-next-cursor']).toBeTruthy();
  });

  it('an account key sees only its own invoices; another account in a filter or a path is 404, both ways', async () => {
    for (const [me, other] of [
      [a, b],
      [b, a],
    ]) {
      const key = await t.keyFor(`account:${me}`);
      const mine = (await list({}, key)).body.data;
      expect(mine.map((i: { accountId: string }) => i.accountId)).toEqual([me, me]);
      expect((await list({ accountId: me }, key)).body.data).toHaveLength(2);
      expect((await list({ accountId: other }, key)).status).toBe(404);
      expect((await list({ accountId: other, period: previous }, key).set('Accept', 'text/csv')).status).toBe(404);
      for (const theirs of (await list({ accountId: other })).body.data) {
        expect((await t.http().get(`/v1/invoices/${theirs.id}`).set(bearer(key))).status).toBe(404);
        expect((await t.http().get(`/v1/invoices/${theirs.id}`).set(bearer(key)).set('Accept', 'text/csv')).status).toBe(404);
      }
      expect((await t.http().get(`/v1/invoices/${mine[0].id}`).set(bearer(key))).status).toBe(200);
    }
    const any = (await list({})).body.data[0];
    for (const role of ['provider:prov', 'gateway']) {
      const key = await t.keyFor(role);
      expect((await list({}, key)).status).toBe(403);
      expect((await t.http().get(`/v1/invoices/${any.id}`).set(bearer(key))).status).toBe(403);
    }
  });

  it.each([[{ period: '2026-13' }], [{ period: '0999-01' }], [{ updatedSince: 'yesterday' }], [{ accountId: 'x' }], [{ cursor: 'bogus' }]])(
    '%j is a 400',
    async (q) => {
      expect((await list(q)).status).toBe(400);
    },
  );
});
