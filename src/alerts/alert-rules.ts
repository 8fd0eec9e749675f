import { OverageTerms, memberCapReached, overageCapCredits } from '../billing-rules';
import { AlertKind } from './alert-kinds';

/** What the alert rules look at for one subscription, read after a usage batch under its row lock. */
export interface UsageFacts {
  subscriptionId: string;
  cycleId: string;
  allowanceCredits: number;
  /** Sum of the members' used credits in the cycle (covered, overage and unbilled alike). */
  usedCredits: number;
  /** Credits left in the buckets valid now, less active holds. */
  remainingCredits: number;
  overage: OverageTerms;
  overageCredits: number;
  members: { subscriberId: string; usedCredits: number; heldCredits?: number; monthlyCapCredits: number | null }[];
}

export interface AlertCandidate {
  subscriptionId: string;
  cycleId: string;
  kind: AlertKind;
  subject: string | null;
  data: Record<string, unknown>;
}

export const USAGE_THRESHOLDS: readonly { kind: AlertKind; percent: number }[] = [
  { kind: 'USAGE_80', percent: 80 },
  { kind: 'USAGE_100', percent: 100 },
];

/** used >= allowance × percent / 100, exactly (BigInt); a cycle without allowance has no percentage. */
export function usagePercentReached(usedCredits: number, allowanceCredits: number, percent: number): boolean {
  if (allowanceCredits <= 0) return false;
  return BigInt(usedCredits) * 100n >= BigInt(allowanceCredits) * BigInt(percent);
}

/**
 * Every alert the facts call for. Whether it is new is not decided here: the unique index on
 * (subscription, cycle, kind, subject) keeps the first and drops the rest, which is what makes a
 * re-sent or concurrent batch unable to raise an alert twice.
 */
export function usageAlerts(f: UsageFacts): AlertCandidate[] {
  const at = (kind: AlertKind, subject: string | null, data: Record<string, unknown>): AlertCandidate => ({
    subscriptionId: f.subscriptionId,
    cycleId: f.cycleId,
    kind,
    subject,
    data,
  });
  const out = USAGE_THRESHOLDS.filter((t) => usagePercentReached(f.usedCredits, f.allowanceCredits, t.percent)).map((t) =>
    at(t.kind, null, { thresholdPercent: t.percent, usedCredits: f.usedCredits, allowanceCredits: f.allowanceCredits }),
  );
  if (f.remainingCredits === 0) out.push(at('BALANCE_EXHAUSTED', null, { remainingCredits: 0, overageMode: f.overage.mode }));
  for (const m of f.members) {
    if (!memberCapReached(m.usedCredits, m.heldCredits ?? 0, m.monthlyCapCredits)) continue;
    const { heldCredits, ...figures } = m;
    out.push(at('MEMBER_CAP_REACHED', m.subscriberId, heldCredits ? { ...figures, heldCredits } : figures));
  }
  const capCredits = f.overage.mode === 'payg' ? overageCapCredits(f.overage.capFen, f.overage.ratePerMillionFen) : null;
  if (capCredits !== null && f.overageCredits >= capCredits) {
    out.push(at('OVERAGE_CAP_REACHED', null, { overageCredits: f.overageCredits, overageCapCredits: capCredits, capFen: f.overage.capFen }));
  }
  return out;
}
