/** What each check compares; one kind per recomputed figure family. */
export const CHECK_KINDS = [
  'bucket-balance',
  'ledger-entry',
  'cycle-usage',
  'member-usage',
  'provider-usage',
  'charge',
  'invoice',
  'settlement-batch',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** One figure that the stored state does not agree with its source; only the fields that differ. */
export interface Difference {
  kind: CheckKind;
  entity: string;
  id: string;
  expected: Record<string, unknown> | null;
  actual: Record<string, unknown> | null;
}

export interface CheckResult {
  kind: CheckKind;
  checked: number;
  /** Every difference found; `differences` lists at most DIFFERENCES_LISTED_PER_KIND of them. */
  differenceCount: number;
  differences: Difference[];
}

export interface VerificationReport {
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  summary: {
    checked: Record<CheckKind, number>;
    differences: Record<CheckKind, number>;
    totalDifferences: number;
  };
  differences: Difference[];
}

/** A corrupted database can differ everywhere; the report names the first ones and counts the rest. */
export const DIFFERENCES_LISTED_PER_KIND = 1000;

export function buildReport(startedAt: Date, results: CheckResult[]): VerificationReport {
  const checked = Object.fromEntries(CHECK_KINDS.map((k) => [k, 0])) as Record<CheckKind, number>;
  const counts = { ...checked };
  for (const r of results) {
    checked[r.kind] += r.checked;
    counts[r.kind] += r.differenceCount;
  }
  const totalDifferences = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ok: totalDifferences === 0,
    summary: { checked, differences: counts, totalDifferences },
    differences: results.flatMap((r) => r.differences),
  };
}

/**
 * Compares field by field; answers the differing fields only (expected and actual side by side),
 * or null when they agree. Values are compared as the text PostgreSQL sent, so bigints stay exact.
 */
export function differingFields(
  expected: Record<string, string | null>,
  actual: Record<string, string | null>,
): { expected: Record<string, unknown>; actual: Record<string, unknown> } | null {
  const keys = Object.keys(expected).filter((k) => expected[k] !== actual[k]);
  if (keys.length === 0) return null;
  return {
    expected: Object.fromEntries(keys.map((k) => [k, asJson(expected[k])])),
    actual: Object.fromEntries(keys.map((k) => [k, asJson(actual[k])])),
  };
}

/** Integers as JSON numbers when exact, otherwise the decimal text; anything else as is. */
export function asJson(v: string | null): unknown {
  if (v === null || !/^-?\d+$/.test(v)) return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}
