import { DataSource, Logger } from 'typeorm';

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/**
 * Every row a statement read from a table or an index, summed over its EXPLAIN ANALYZE plan (rows
 * returned plus rows removed by a filter, times loops): what the statement cost in rows, whatever
 * the machine's speed.
 */
export function rowsRead(plan: Record<string, unknown>): number {
  const loops = Number(plan['Actual Loops'] ?? 1);
  const own = plan['Relation Name'] ? (Number(plan['Actual Rows'] ?? 0) + Number(plan['Rows Removed by Filter'] ?? 0)) * loops : 0;
  const children = (plan.Plans as Record<string, unknown>[] | undefined) ?? [];
  return own + children.reduce((sum, child) => sum + rowsRead(child), 0);
}

/** Runs the statement again under EXPLAIN ANALYZE and answers the rows it read. */
export async function explainRowsRead(db: DataSource, q: CapturedQuery): Promise<number> {
  const [{ 'QUERY PLAN': plan }] = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, q.params);
  return rowsRead(plan[0].Plan);
}

/**
 * The SQL statements the application sends through `db` while `fn` runs (the request handlers of an
 * in-process test app use the same DataSource), captured through TypeORM's logger hook.
 */
export async function captureQueries(db: DataSource, fn: () => Promise<unknown>): Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = [];
  const original = db.logger;
  const capturing: Logger = {
    logQuery: (sql, params) => {
      captured.push({ sql, params: params ?? [] });
      original.logQuery(sql, params);
    },
    logQueryError: (...args) => original.logQueryError(...args),
    logQuerySlow: (...args) => original.logQuerySlow(...args),
    logSchemaBuild: (...args) => original.logSchemaBuild(...args),
    logMigration: (...args) => original.logMigration(...args),
    log: (...args) => original.log(...args),
  };
  Object.assign(db, { logger: capturing });
  try {
    await fn();
  } finally {
    Object.assign(db, { logger: original });
  }
  return captured;
}
