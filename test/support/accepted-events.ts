import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Verifier } from '../../src/verification/verifier.service';
import type { IngestLoad } from './ingest-load';
import { TestApp } from './test-app';
import { drainUsageQueue } from './usage';

/**
 * §6/§15's promise, checked after a fault: every event that was answered 202 is in the usage
 * ledger or in rejected usage exactly once, and no event that was sent (answered or not) is
 * there twice. Returns nothing; fails the test with the list of differences.
 */
export async function expectEveryAcceptedEventRecordedOnce(db: DataSource, accepted: Iterable<string>, sent: Iterable<string> = []): Promise<void> {
  const acceptedIds = [...new Set(accepted)];
  const allIds = [...new Set([...acceptedIds, ...sent])];
  const counts = await recordCounts(db, allIds);
  const missingOrDoubled = acceptedIds.filter((id) => (counts.get(id) ?? 0) !== 1).map((id) => ({ eventId: id, times: counts.get(id) ?? 0 }));
  const doubled = allIds.filter((id) => (counts.get(id) ?? 0) > 1).map((id) => ({ eventId: id, times: counts.get(id) }));
  expect({ missingOrDoubled, doubled }).toEqual({ missingOrDoubled: [], doubled: [] });
}

/** How often each id is recorded: ledger rows plus its own rejections (a conflicting body's row does not count). */
async function recordCounts(db: DataSource, ids: string[]): Promise<Map<string, number>> {
  const rows: { event_id: string; n: number }[] = await db.query(
    `SELECT event_id, count(*)::int AS n FROM (
       SELECT event_id FROM usage_ledger WHERE event_id = ANY($1::text[])
       UNION ALL
       SELECT event_id FROM rejected_usage WHERE event_id = ANY($1::text[]) AND reason <> 'DUPLICATE_CONFLICT'
     ) r GROUP BY event_id`,
    [ids],
  );
  return new Map(rows.map((r) => [r.event_id, r.n]));
}

/** Every bucket's drawn credits (granted − remaining) equal the draws the ledger holds for it. */
export async function expectBucketsMatchLedger(db: DataSource): Promise<void> {
  const differences = await db.query(
    `SELECT b.id, b.granted_credits - b.remaining_credits AS drawn, COALESCE(u.credits, 0) AS ledger
     FROM buckets b
     LEFT JOIN (SELECT (d->>'bucketId')::uuid AS id, sum((d->>'credits')::bigint) AS credits
                FROM usage_ledger, jsonb_array_elements(draws) d GROUP BY 1) u ON u.id = b.id
     WHERE b.granted_credits - b.remaining_credits <> COALESCE(u.credits, 0)`,
  );
  expect(differences).toEqual([]);
}

/** The verifier recomputes every balance, counter, charge, invoice and settlement batch: no difference. */
export async function expectVerifierFindsNothing(app: INestApplicationContext): Promise<void> {
  const report = await app.get(Verifier).run();
  expect({ totalDifferences: report.summary.totalDifferences, differences: report.differences }).toEqual({ totalDifferences: 0, differences: [] });
}

/**
 * The end of every fault test that pushes an IngestLoad through a fault: once the queue is drained,
 * all `batches × eventsPerBatch` events were accepted, each recorded exactly once, the buckets and
 * every derived figure agree with the ledger, and the ledger holds exactly the credits of the
 * events sent (weights 1/1: credits = tokens; event i of a batch has 1 + i % 9 input and i % 5
 * output tokens, as IngestLoad.add generates them).
 */
export async function expectLoadRecordedExactly(t: TestApp, load: IngestLoad, batches: number, eventsPerBatch: number): Promise<void> {
  await drainUsageQueue(t, 60_000);
  expect(load.accepted.size).toBe(batches * eventsPerBatch);
  await expectEveryAcceptedEventRecordedOnce(t.db, load.accepted, load.sent);
  await expectBucketsMatchLedger(t.db);
  await expectVerifierFindsNothing(t.app);
  const perBatch = Array.from({ length: eventsPerBatch }, (_, i) => 1 + (i % 9) + (i % 5)).reduce((a, b) => a + b, 0);
  const [{ credits }] = await t.db.query('SELECT sum(credits)::int AS credits FROM usage_ledger');
  expect(credits).toBe(batches * perBatch);
}
