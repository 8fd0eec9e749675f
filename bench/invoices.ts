/**
 * Invoice list benchmark: N accounts with a charge in each of three periods (3N invoices), then the
 * latency of one page of GET /v1/invoices (first page, a page from a cursor in the middle, one
 * period, one account) against the baseline of a page of GET /v1/charges (a keyset page over an
 * indexed table, through the same HTTP stack). Measured before and after the maintenance job prunes
 * the superseded changes. For contrast it also times, in SQL, how the list worked before the change
 * log: every invoice's head computed for each page.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { periodBounds, periodOf } from '../src/billing-rules';
import { Clock } from '../src/common/clock/clock';
import { encodeKeyset } from '../src/common/pagination/keyset-cursor';
import { InvoiceChangeLog } from '../src/invoices/invoice-change-log';
import { REDIS_URL, dbUrl, dropDatabase, freshDatabase, percentile, startRole, stop, waitForHealth } from './support';

const N = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const PORT = 3905;
const DB = 'tpb_bench_invoices';
const TZ = 'Asia/Shanghai';

function shift(period: string, months: number): string {
  const [y, m] = period.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + months, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

async function seed(c: Client, periods: string[]): Promise<void> {
  await c.query(`INSERT INTO accounts (external_ref, type, name) SELECT 'BA-' || i, 'individual', 'A' || i FROM generate_series(1, ${N}) i`);
  // Stamped ten minutes back, so the pruning job may act on them (it leaves the last minute alone).
  const at = new Date(Date.now() - 10 * 60_000);
  for (const period of periods) {
    await c.query(`INSERT INTO invoices (account_id, billing_period, period_end_at) SELECT id, $1, $2 FROM accounts`, [period, periodBounds(period, TZ).end]);
    await c.query(
      `INSERT INTO charges (account_id, account_external_ref, billing_period, type, description, quantity, amount_fen, tax_rate_bp, tax_fen, created_at, updated_at)
       SELECT a.id, a.external_ref, $1, 'ADJUSTMENT', 'Bench ' || a.external_ref, NULL, 100 + n % 1000, 600, (100 + n % 1000) * 600 / 10600, $2, $2
       FROM (SELECT id, external_ref, row_number() OVER (ORDER BY external_ref) AS n FROM accounts) a`,
      [period, at],
    );
  }
  await c.query('ANALYZE');
}

async function timed(url: string, key: string): Promise<{ ms: number; body: { data: { id: string; updatedAt: string; accountId: string }[] } }> {
  const started = process.hrtime.bigint();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const body = (await res.json()) as { data: { id: string; updatedAt: string; accountId: string }[] };
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, body };
}

async function latency(url: string, key: string): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) samples.push((await timed(url, key)).ms);
  samples.sort((a, b) => a - b);
  return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}

/** How every page was answered before the change log: all invoice heads computed, then sorted and cut. */
async function allHeadsMs(c: Client, periods: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  await c.query(
    `WITH pe AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS pe(period, end_at)),
     heads AS (
       SELECT i.id, pe.end_at, cy.cycles_at,
              (SELECT max(c.updated_at) FROM charges c WHERE c.account_id = i.account_id AND c.billing_period = i.billing_period) AS charges_at
       FROM invoices i JOIN pe ON pe.period = i.billing_period
       CROSS JOIN LATERAL (
         SELECT max(greatest(c.created_at, c.rated_at)) AS cycles_at FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id
         WHERE s.account_id = i.account_id AND c.period = i.billing_period) cy)
     SELECT id, greatest(charges_at, cycles_at, CASE WHEN end_at <= now() THEN end_at END) AS updated_at FROM heads
     ORDER BY updated_at, id LIMIT 51`,
    [periods, periods.map((p) => periodBounds(p, TZ).end)],
  );
  return round(Number(process.hrtime.bigint() - started) / 1e6);
}

async function main(): Promise<void> {
  const current = periodOf(new Date(), TZ);
  const periods = [shift(current, -2), shift(current, -1), current];
  const ds = await freshDatabase(DB);
  const c = new Client({ connectionString: dbUrl(DB) });
  await c.connect();
  await seed(c, periods);
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const api = startRole('api', {
    DATABASE_URL: dbUrl(DB),
    REDIS_URL,
    REDIS_PREFIX: `benchi${randomBytes(3).toString('hex')}`,
    ADMIN_API_KEY: key,
    PORT: String(PORT),
    BILLING_TZ: TZ,
  });
  try {
    await waitForHealth(PORT);
    const base = `http://127.0.0.1:${PORT}/v1`;
    const measure = async () => {
      const first = (await timed(`${base}/invoices?limit=50`, key)).body.data;
      const middle = await c.query(`SELECT id FROM invoices ORDER BY id OFFSET $1 LIMIT 1`, [Math.floor((3 * N) / 2)]);
      const mid = (await timed(`${base}/invoices/${middle.rows[0].id}`, key)).body as unknown as { id: string; updatedAt: string; accountId: string };
      const cursor = encodeURIComponent(encodeKeyset(mid.updatedAt, mid.id));
      return {
        firstPage: await latency(`${base}/invoices?limit=50`, key),
        middlePage: await latency(`${base}/invoices?limit=50&cursor=${cursor}`, key),
        onePeriod: await latency(`${base}/invoices?limit=50&period=${periods[0]}`, key),
        oneAccount: await latency(`${base}/invoices?limit=50&accountId=${first[0].accountId}`, key),
        baselineChargesPage: await latency(`${base}/charges?limit=50`, key),
      };
    };
    const beforePrune = await measure();
    const changesBefore = Number((await c.query(`SELECT count(*) AS n FROM invoice_changes`)).rows[0].n);
    const pruneStarted = Date.now();
    const pruned = await new InvoiceChangeLog(ds, new Clock()).prune();
    const pruneSeconds = round((Date.now() - pruneStarted) / 1000);
    await c.query('ANALYZE invoice_changes');
    const afterPrune = await measure();
    const ratio = (m: { p50: number }) => round(m.p50 / afterPrune.baselineChargesPage.p50);
    console.log(
      JSON.stringify(
        {
          accounts: N,
          invoices: 3 * N,
          requestsPerFigure: REQUESTS,
          changesBefore,
          pruned: pruned.pruned,
          pruneSeconds,
          beforePrune,
          afterPrune,
          ratioFirstPageToBaseline: ratio(afterPrune.firstPage),
          ratioOnePeriodToBaseline: ratio(afterPrune.onePeriod),
          allHeadsPerPageMsBeforeTheChangeLog: await allHeadsMs(c, periods),
        },
        null,
        2,
      ),
    );
  } finally {
    await c.end();
    await ds.destroy();
    await stop(api);
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
