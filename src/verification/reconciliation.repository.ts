import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CHARGE_SQL, INVOICE_SQL } from './charge-reconciliation.sql';
import { BUCKET_BALANCE_SQL, CYCLE_USAGE_SQL, LEDGER_ENTRY_SQL, MEMBER_USAGE_SQL, PROVIDER_USAGE_SQL } from './ledger-reconciliation.sql';
import { periodsSpanning } from '../billing-rules';
import { CheckKind, CheckResult, DIFFERENCES_LISTED_PER_KIND, differingFields } from './verification-report';

interface CmpRow {
  entity: string;
  id: string;
  exp: Record<string, string | null>;
  act: Record<string, string | null> | null;
}

/**
 * Runs the set-based checks: each one statement, one pass over its tables, answering how many
 * entities it compared, how many differ, and the first differing ones (by id).
 */
@Injectable()
export class ReconciliationRepository {
  bucketBalances(em: EntityManager): Promise<CheckResult> {
    return this.check(em, 'bucket-balance', BUCKET_BALANCE_SQL, []);
  }

  ledgerEntries(em: EntityManager): Promise<CheckResult> {
    return this.check(em, 'ledger-entry', LEDGER_ENTRY_SQL, []);
  }

  cycleUsage(em: EntityManager): Promise<CheckResult> {
    return this.check(em, 'cycle-usage', CYCLE_USAGE_SQL, []);
  }

  memberUsage(em: EntityManager): Promise<CheckResult> {
    return this.check(em, 'member-usage', MEMBER_USAGE_SQL, []);
  }

  /** The ledger's periods are bucketed by billing-rules in `tz`, as the usage writer buckets them. */
  async providerUsage(em: EntityManager, tz: string): Promise<CheckResult> {
    const [range]: { first: Date | null; last: Date | null }[] = await em.query(`SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM usage_ledger`);
    const span = range.first && range.last ? periodsSpanning(range.first, range.last, tz) : { periods: [], starts: [] };
    return this.check(em, 'provider-usage', PROVIDER_USAGE_SQL, [span.periods, span.starts.map((d) => d.toISOString())]);
  }

  charges(em: EntityManager): Promise<CheckResult> {
    return this.check(em, 'charge', CHARGE_SQL, []);
  }

  /** `periodEnd` is billing-rules' end of a period, so no time-zone rule is written in SQL. */
  async invoices(em: EntityManager, taxRateBp: number, at: Date, periodEnd: (period: string) => Date): Promise<CheckResult> {
    const rows: { billing_period: string }[] = await em.query(`SELECT DISTINCT billing_period FROM invoices`);
    const periods = rows.map((r) => r.billing_period);
    return this.check(em, 'invoice', INVOICE_SQL, [taxRateBp, at.toISOString(), periods, periods.map((p) => periodEnd(p).toISOString())]);
  }

  private async check(em: EntityManager, kind: CheckKind, cmpSql: string, params: unknown[]): Promise<CheckResult> {
    const [row]: { checked: string; differing: string; rows: CmpRow[] }[] = await em.query(
      `${cmpSql}
       SELECT (SELECT count(*) FROM cmp)::text AS checked,
              (SELECT count(*) FROM cmp WHERE exp IS DISTINCT FROM act)::text AS differing,
              (SELECT COALESCE(json_agg(d ORDER BY d.id), '[]'::json)
                 FROM (SELECT entity, id, exp, act FROM cmp WHERE exp IS DISTINCT FROM act ORDER BY id LIMIT ${DIFFERENCES_LISTED_PER_KIND}) d) AS rows`,
      params,
    );
    return {
      kind,
      checked: Number(row.checked),
      differenceCount: Number(row.differing),
      differences: row.rows.map((r) => ({ kind, entity: r.entity, id: r.id, ...compare(r) })),
    };
  }
}

function compare(r: CmpRow): { expected: Record<string, unknown> | null; actual: Record<string, unknown> | null } {
  if (r.act === null) return { expected: differingFields(r.exp, {})?.expected ?? null, actual: null };
  return differingFields(r.exp, r.act) ?? { expected: null, actual: null };
}
