import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { dbInt } from '../database/db-integer';

/**
 * Changes newer than this are left alone: the API compares the log with its own clock, which may
 * trail PostgreSQL's by a little, and a change must never disappear before every reader sees the
 * one that supersedes it.
 */
export const PRUNE_MARGIN_MS = 60_000;
/**
 * How far before the last pruning point the next run looks again: a transaction that stamped its
 * change a little before that point may have committed after the run.
 */
const OVERLAP_MS = 10 * 60_000;
const CHANGES_PER_CHUNK = 5_000;

/**
 * Keeps `invoice_changes` about one row per invoice. The log is append-only for its writers (the
 * triggers on charges, cycles and invoices), so every change of an invoice leaves the previous one
 * behind; the invoice list skips those, and this removes them. A change is superseded when the same
 * invoice has a later one that is already visible; the latest visible change and every future one
 * (a period end not reached yet) always stay, so no invoice's updatedAt ever moves.
 *
 * Only invoices with a change since the previous run are looked at, a chunk of changes at a time.
 * Each chunk is its own transaction under one advisory lock, so a run can be killed at any point and two runs never
 * delete the same rows in different orders.
 */
@Injectable()
export class InvoiceChangeLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async prune(): Promise<{ scanned: number; pruned: number; prunedTo: Date }> {
    const horizon = new Date(this.clock.now().getTime() - PRUNE_MARGIN_MS).toISOString();
    const [{ from }]: { from: string }[] = await this.dataSource.query(
      `SELECT (pruned_to - make_interval(secs => $1))::text AS from FROM invoice_change_pruning`,
      [OVERLAP_MS / 1000],
    );
    // Walk the changes since the last run in (at, invoice_id) order, a chunk at a time: memory and
    // work follow the changes since then, never the whole log nor every invoice at once.
    let after: { at: string; invoiceId: string } | null = null;
    let scanned = 0;
    let pruned = 0;
    for (;;) {
      const chunk: { at: string; invoice_id: string }[] = await this.dataSource.query(
        `SELECT at::text AS at, invoice_id FROM invoice_changes
         WHERE at > $1::timestamptz AND at <= $2 AND ($3::timestamptz IS NULL OR (at, invoice_id) > ($3::timestamptz, $4::uuid))
         ORDER BY at, invoice_id LIMIT ${CHANGES_PER_CHUNK}`,
        [from, horizon, after?.at ?? null, after?.invoiceId ?? null],
      );
      if (chunk.length === 0) break;
      scanned += chunk.length;
      pruned += await this.pruneInvoices([...new Set(chunk.map((r) => r.invoice_id))], horizon);
      const last = chunk[chunk.length - 1];
      after = { at: last.at, invoiceId: last.invoice_id };
    }
    await this.dataSource.query(`UPDATE invoice_change_pruning SET pruned_to = greatest(pruned_to, $1)`, [horizon]);
    return { scanned, pruned, prunedTo: new Date(horizon) };
  }

  /** Deletes these invoices' changes superseded by a later one visible at `horizon`, in one transaction. */
  private pruneInvoices(ids: string[], horizon: string): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('tpb:invoice-change-pruning'))`);
      const [row]: { n: string }[] = await em.query(
        `WITH gone AS (
           DELETE FROM invoice_changes ch
           WHERE ch.invoice_id = ANY($1::uuid[]) AND ch.at <= $2
             AND EXISTS (SELECT 1 FROM invoice_changes later
                         WHERE later.invoice_id = ch.invoice_id AND later.at <= $2 AND (later.at, later.seq) > (ch.at, ch.seq))
           RETURNING 1)
         SELECT count(*) AS n FROM gone`,
        [ids, horizon],
      );
      return dbInt(row.n, 'pruned invoice changes');
    });
  }
}

/** The pruning side of the invoice change log, for the maintenance worker (no HTTP routes). */
@Module({ providers: [InvoiceChangeLog], exports: [InvoiceChangeLog] })
export class InvoiceChangeLogModule {}
