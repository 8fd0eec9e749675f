import { parse } from 'csv-parse/sync';
import { createAccount } from '../support/fixtures';
import { bearer } from '../support/test-app';
import { adjust, chargeWithDescription, fetchFile, runSettlement, startSettlementApp } from '../settlement/support';

/**
 * Free text (reasons, plan names) reaches CSV that partners open in spreadsheets. The invoice CSV
 * shows formula-like text as text; the settlement file (SPEC §10) carries the text unchanged.
 */
describe('formula-like text in CSV', () => {
  let t: Awaited<ReturnType<typeof startSettlementApp>>;
  let account: string;
  const reasons = ['=HYPERLINK("http://evil.example/x","refund")', '+1 month goodwill', '-5% outage credit', '@SUM(A1:A9)'];

  beforeAll(async () => {
    t = await startSettlementApp();
    account = await createAccount(t);
    for (const [i, reason] of reasons.entries()) await adjust(t, account, i === 2 ? -500 : 100 + i, reason);
    await chargeWithDescription(t, account, '\tcmd|calc', 100);
  });
  afterAll(() => t.close());

  it('the invoice CSV prefixes formula-like descriptions with an apostrophe and leaves numbers alone', async () => {
    const [invoice] = (await t.http().get('/v1/invoices').query({ accountId: account }).set(bearer(t.adminKey))).body.data;
    const res = await t.http().get(`/v1/invoices/${invoice.id}`).set(bearer(t.adminKey)).set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    const rows: Record<string, string>[] = parse(res.text, { columns: true });
    expect(rows.map((r) => r.description).sort()).toEqual([...reasons, '\tcmd|calc'].map((d) => `'${d}`).sort());
    expect(rows.map((r) => r.amountFen)).toContain('-500');
    expect(invoice.lines.map((l: { description: string }) => l.description).sort()).toEqual([...reasons, '\tcmd|calc'].sort());
  });

  it('the settlement file keeps the descriptions exactly as recorded', async () => {
    const batch = await runSettlement(t).expect(201);
    const file = await fetchFile(t, batch.body.id);
    const rows: string[][] = parse(file.body.toString('utf8'), { relax_column_count: true });
    const descriptions = rows.slice(1, -1).map((r) => r[4]);
    expect(descriptions.sort()).toEqual([...reasons, '\tcmd|calc'].sort());
  });
});
