import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { dbInt } from '../../database/db-integer';

/** Keys (model, rate version, period) folded by one compaction statement, so one run's transaction stays short. */
export const COMPACT_KEYS_PER_STATEMENT = 1000;

export interface CompactionResult {
  /** Keys that had more than one part and now have one. */
  keys: number;
  /** Parts deleted (each replaced, with the others of its key, by one summed row). */
  partsRemoved: number;
}

/**
 * provider_usage_parts: append-only usage totals per (model, rate version, period). The usage
 * writer appends one part per key for each batch (UsageLedgerRepository.insertLedger); this folds
 * the parts of a key into one so that reading a period costs in proportion to its keys, not to
 * the batches recorded.
 */
@Injectable()
export class ProviderUsagePartsRepository {
  /**
   * Replaces the parts of up to `limit` keys that have more than one by one row holding their
   * sums, in one statement (so one transaction): DELETE … RETURNING, then INSERT of the sums of
   * exactly the rows that statement deleted.
   *
   * Why this is safe beside concurrent usage batches and a second compaction: a part is never
   * updated, and a statement only sees committed parts, so a batch's new part is either folded
   * in whole or left for the next run. Two compactions deleting the same part: the second waits
   * for the first to commit and then skips the row it can no longer find, so it sums only what it
   * itself deleted; every part's figures are removed once and added back once. Killed at any
   * point, the statement rolls back and the parts are as before; running it again is a no-op on
   * keys that already have one part.
   */
  async compact(em: EntityManager, limit = COMPACT_KEYS_PER_STATEMENT): Promise<CompactionResult> {
    const [row]: { keys: string; removed: string }[] = await em.query(
      `WITH keys AS (
         SELECT period, model_code, rate_id FROM provider_usage_parts
         GROUP BY period, model_code, rate_id HAVING count(*) > 1
         ORDER BY period, model_code, rate_id LIMIT $1),
       gone AS (
         DELETE FROM provider_usage_parts p USING keys k
         WHERE p.period = k.period AND p.model_code = k.model_code AND p.rate_id = k.rate_id
         RETURNING p.model_code, p.rate_id, p.period, p.requests, p.input_tokens, p.output_tokens),
       merged AS (
         INSERT INTO provider_usage_parts (model_code, rate_id, period, requests, input_tokens, output_tokens)
         SELECT model_code, rate_id, period, sum(requests), sum(input_tokens), sum(output_tokens)
         FROM gone GROUP BY model_code, rate_id, period
         RETURNING 1)
       SELECT (SELECT count(*) FROM merged)::text AS keys, (SELECT count(*) FROM gone)::text AS removed`,
      [limit],
    );
    return { keys: dbInt(row.keys, 'compacted keys'), partsRemoved: dbInt(row.removed, 'parts removed') };
  }

  /** Compacts until no key has more than one part (as of each statement's start). */
  async compactAll(em: EntityManager): Promise<CompactionResult> {
    const total: CompactionResult = { keys: 0, partsRemoved: 0 };
    for (;;) {
      const step = await this.compact(em);
      total.keys += step.keys;
      total.partsRemoved += step.partsRemoved;
      if (step.keys < COMPACT_KEYS_PER_STATEMENT) return total;
    }
  }
}
