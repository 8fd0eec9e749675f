/**
 * Reference model of the usage ledger (SPEC §4–§6), written from the contract and nothing else.
 *
 * It borrows only arithmetic from billing-rules (eventCredits, splitUncovered, rolloverCredits,
 * cycleContaining). Everything about sequencing is implemented here independently of src/usage:
 * which body owns an eventId, the screening order, membership at occurredAt, attribution to the
 * current cycle (rolling it first when needed), the late flag, the consumption order and the
 * cycle/member totals. It is a plain, synchronous function over plain data.
 */
import { cycleContaining, eventCredits, rolloverCredits, splitUncovered } from '../../src/billing-rules';
import { EventInput } from '../support/usage';

export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
const DAY_MS = 86_400_000;

export type Reason = 'DUPLICATE_CONFLICT' | 'FUTURE_EVENT' | 'TOO_OLD' | 'UNKNOWN_SUBSCRIBER' | 'UNKNOWN_MODEL' | 'MODEL_NOT_IN_PLAN';
export type BucketKind = 'rollover' | 'plan' | 'topup';

/** An event exactly as a producer sends it (queue payload / POST body). */
export type RawEvent = EventInput;

export interface RateVersion {
  id: string;
  effectiveFrom: Date;
  inputWeightScaled: number;
  outputWeightScaled: number;
}

export interface PlanTerms {
  code: string;
  models: string[];
  allowanceCredits: number;
  overage: { mode: 'block' | 'payg'; ratePerMillionFen: number; capFen: number | null };
  rollover: { percent: number; maxCredits: number };
}

export interface SubscriptionState {
  id: string;
  planCode: string;
  pendingPlanCode: string | null;
  status: 'active' | 'suspended' | 'cancelled' | 'ended';
  endedAt: Date | null;
  currentCycleId: string | null;
}

export interface CycleState {
  id: string;
  subscriptionId: string;
  planCode: string;
  startAt: Date;
  endAt: Date;
  status: 'open' | 'closed' | 'rated';
  overageCredits: number;
  unbilledCredits: number;
}

export interface BucketState {
  id: string;
  seq: number;
  subscriptionId: string;
  cycleId: string;
  kind: BucketKind;
  grantedCredits: number;
  remainingCredits: number;
  validFrom: Date;
  expiresAt: Date;
}

export interface Membership {
  subscriberId: string;
  subscriptionId: string;
  addedAt: Date;
  removedAt: Date | null;
}

/** Everything the ledger's outcome depends on, as it stands before the jobs are processed. */
export interface World {
  tz: string;
  retentionDays: number;
  models: Map<string, RateVersion[]>;
  plans: Map<string, PlanTerms>;
  subscriptions: Map<string, SubscriptionState>;
  cycles: Map<string, CycleState>;
  buckets: Map<string, BucketState>;
  memberships: Membership[];
  /** `${cycleId}|${subscriberId}` → used credits */
  memberUsage: Map<string, number>;
  /** eventIds already claimed before these jobs: owner body key and its fate */
  claimedIds: Map<string, { bodyKey: string; outcome: 'recorded' | 'rejected' }>;
}

export interface ExpectedLedgerRow {
  eventId: string;
  subscriptionId: string;
  subscriberId: string;
  /** stable key of the attributed cycle (`${subscriptionId}@${startISO}`), null when none was open */
  cycle: string | null;
  model: string;
  rateId: string;
  occurredAtMs: number;
  inputTokens: number;
  outputTokens: number;
  credits: number;
  bucketCredits: number;
  overageCredits: number;
  unbilledCredits: number;
  late: boolean;
  /** bucket keys and credits, in draw order */
  draws: { bucket: string; credits: number }[];
  bodyKey: string;
}

export interface ExpectedRejection {
  eventId: string;
  bodyKey: string;
  reason: Reason;
}

export interface ExpectedLedger {
  ledger: Map<string, ExpectedLedgerRow>;
  /** keyed by `${eventId}|${bodyKey}` */
  rejected: Map<string, ExpectedRejection>;
  /** every eventId seen: the fate of the body that owns it */
  eventIds: Map<string, 'recorded' | 'rejected'>;
  /** bucket key → remaining credits (every bucket of the world's subscriptions, incl. ones a roll created) */
  buckets: Map<string, { remaining: number; granted: number }>;
  /** cycle key → totals */
  cycles: Map<string, { overage: number; unbilled: number; status: string }>;
  /** `${cycleKey}|${subscriberId}` → used credits */
  memberUsage: Map<string, number>;
  /** how each input event ended (by position: job index, event index) */
  outcomes: { job: number; index: number; eventId: string; outcome: 'recorded' | 'duplicate' | Reason }[];
}

// ---------------------------------------------------------------------------------------------
// Identity of bodies

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Two bodies are the same event when every field is equal; occurredAt as an instant, metadata as JSON. */
export function bodyKey(e: RawEvent): string {
  return canonical({
    eventId: e.eventId,
    subscriberId: e.subscriberId,
    model: e.model,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    occurredAt: instantMs(e.occurredAt),
    requestId: e.requestId ?? null,
    reservationId: e.reservationId ?? null,
    metadata: e.metadata ?? null,
  });
}

/** Instant of an ISO-8601 text with offset, in ms. Fractions below a millisecond are not generated by the tests. */
export function instantMs(iso: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`model: bad instant ${iso}`);
  return t;
}

export const cycleKey = (c: Pick<CycleState, 'subscriptionId' | 'startAt'>) => `${c.subscriptionId}@${c.startAt.toISOString()}`;
export const bucketKey = (b: Pick<BucketState, 'kind' | 'seq'>, cycle: Pick<CycleState, 'subscriptionId' | 'startAt'>) =>
  b.kind === 'topup' ? `${cycleKey(cycle)}#topup:${b.seq}` : `${cycleKey(cycle)}#${b.kind}`;

// ---------------------------------------------------------------------------------------------
// The model

const KIND_RANK: Record<BucketKind, number> = { rollover: 0, plan: 1, topup: 2 };

function cloneWorld(w: World): World {
  const mapClone = <V extends object>(m: Map<string, V>) => new Map([...m].map(([k, v]) => [k, { ...v }]));
  return {
    ...w,
    subscriptions: mapClone(w.subscriptions),
    cycles: mapClone(w.cycles),
    buckets: mapClone(w.buckets),
    memberships: w.memberships.map((m) => ({ ...m })),
    memberUsage: new Map(w.memberUsage),
    claimedIds: new Map([...w.claimedIds].map(([k, v]) => [k, { ...v }])),
  };
}

type Fate = { kind: 'recorded'; row: ExpectedLedgerRow } | { kind: 'rejected'; reason: Exclude<Reason, 'DUPLICATE_CONFLICT'> };

interface ParsedEvent {
  raw: RawEvent;
  at: number;
  key: string;
}

/**
 * What the ledger must contain after `jobs` are processed one after the other (in array order),
 * each job's events applied in order of occurredAt, ties by eventId (the order within a tie is the
 * order in the job). `now` is the worker clock for the FUTURE_EVENT and retention checks.
 */
export function expectedLedger(initial: World, jobs: RawEvent[][], now: Date): ExpectedLedger {
  const w = cloneWorld(initial);
  const ledger = new Map<string, ExpectedLedgerRow>();
  const rejected = new Map<string, ExpectedRejection>();
  const outcomes: ExpectedLedger['outcomes'] = [];
  let syntheticSeq = Math.max(0, ...[...w.buckets.values()].map((b) => b.seq));
  let syntheticCycle = 0;

  const cycleOf = (id: string) => {
    const c = w.cycles.get(id);
    if (!c) throw new Error(`model: unknown cycle ${id}`);
    return c;
  };
  const planOf = (code: string) => {
    const p = w.plans.get(code);
    if (!p) throw new Error(`model: unknown plan ${code}`);
    return p;
  };

  const reject = (e: ParsedEvent, reason: Reason) => {
    const k = `${e.raw.eventId}|${e.key}`;
    // A rejection is stored once per (eventId, body): the first reason stays.
    if (!rejected.has(k)) rejected.set(k, { eventId: e.raw.eventId, bodyKey: e.key, reason });
  };

  // ---- memberships -------------------------------------------------------------------------
  const membershipAt = (subscriberId: string, t: number): string | 'TOO_OLD' | 'UNKNOWN_SUBSCRIBER' => {
    const spans = w.memberships.filter((m) => m.subscriberId === subscriberId);
    const hit = spans.filter((m) => m.addedAt.getTime() <= t && (m.removedAt === null || t < m.removedAt.getTime()));
    if (hit.length > 1) throw new Error(`model: overlapping memberships of ${subscriberId}`);
    if (hit.length === 1) return hit[0].subscriptionId;
    const beganBefore = spans.some((m) => m.addedAt.getTime() <= t);
    const beginsLater = spans.some((m) => m.addedAt.getTime() > t);
    return beginsLater && !beganBefore ? 'TOO_OLD' : 'UNKNOWN_SUBSCRIBER';
  };

  // ---- the cycle roll ------------------------------------------------------------------------
  const roll = (sub: SubscriptionState, t: number) => {
    while (sub.currentCycleId) {
      const cycle = cycleOf(sub.currentCycleId);
      if (cycle.endAt.getTime() > t) return;
      const planBucket = [...w.buckets.values()].find((b) => b.cycleId === cycle.id && b.kind === 'plan');
      const unused = planBucket?.remainingCredits ?? 0;
      cycle.status = 'closed';
      if (sub.status === 'cancelled') {
        sub.status = 'ended';
        sub.endedAt = cycle.endAt;
        sub.currentCycleId = null;
        for (const m of w.memberships) {
          if (m.subscriptionId === sub.id && m.removedAt === null) {
            m.removedAt = new Date(Math.max(m.addedAt.getTime(), cycle.endAt.getTime()));
          }
        }
        return;
      }
      const endedPlan = planOf(cycle.planCode);
      const planCode = sub.pendingPlanCode ?? sub.planCode;
      const plan = planOf(planCode);
      const next = cycleContaining(cycle.endAt, w.tz);
      if (next.start.getTime() !== cycle.endAt.getTime()) throw new Error('model: cycles must tile the timeline');
      const opened: CycleState = {
        id: `model-cycle-${++syntheticCycle}`,
        subscriptionId: sub.id,
        planCode,
        startAt: next.start,
        endAt: next.end,
        status: 'open',
        overageCredits: 0,
        unbilledCredits: 0,
      };
      w.cycles.set(opened.id, opened);
      sub.planCode = planCode;
      sub.pendingPlanCode = null;
      sub.currentCycleId = opened.id;
      const grant = (kind: BucketKind, credits: number) => {
        const id = `model-bucket-${++syntheticSeq}`;
        w.buckets.set(id, {
          id,
          seq: syntheticSeq,
          subscriptionId: sub.id,
          cycleId: opened.id,
          kind,
          grantedCredits: credits,
          remainingCredits: credits,
          validFrom: opened.startAt,
          expiresAt: opened.endAt,
        });
      };
      if (plan.allowanceCredits > 0) grant('plan', plan.allowanceCredits);
      const carried = rolloverCredits(unused, endedPlan.rollover.percent, endedPlan.rollover.maxCredits);
      if (carried > 0) grant('rollover', carried);
    }
  };

  // ---- one event that owns its eventId -----------------------------------------------------
  const apply = (e: ParsedEvent): Fate => {
    const t = e.at;
    if (t > now.getTime() + FUTURE_TOLERANCE_MS) return { kind: 'rejected', reason: 'FUTURE_EVENT' };
    if (t < now.getTime() - w.retentionDays * DAY_MS) return { kind: 'rejected', reason: 'TOO_OLD' };
    let member = membershipAt(e.raw.subscriberId, t);
    if (member === 'TOO_OLD' || member === 'UNKNOWN_SUBSCRIBER') return { kind: 'rejected', reason: member };
    const sub = w.subscriptions.get(member);
    if (!sub) throw new Error(`model: subscription ${member} is not part of the world`);
    // Attribution: the current cycle, rolled first if the event lies at/after its end.
    roll(sub, t);
    // A roll may end a cancelled subscription (and its memberships) before the event.
    member = membershipAt(e.raw.subscriberId, t);
    if (member === 'TOO_OLD' || member === 'UNKNOWN_SUBSCRIBER') return { kind: 'rejected', reason: member };
    const versions = w.models.get(e.raw.model) ?? [];
    const rate = [...versions]
      .sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime())
      .filter((v) => v.effectiveFrom.getTime() <= t)
      .pop();
    if (!rate) return { kind: 'rejected', reason: 'UNKNOWN_MODEL' };
    const cycle = sub.currentCycleId ? cycleOf(sub.currentCycleId) : null;
    const plan = planOf(cycle ? cycle.planCode : sub.planCode);
    if (!plan.models.includes('*') && !plan.models.includes(e.raw.model)) return { kind: 'rejected', reason: 'MODEL_NOT_IN_PLAN' };
    const credits = eventCredits(e.raw.inputTokens, e.raw.outputTokens, rate.inputWeightScaled, rate.outputWeightScaled);
    const row: ExpectedLedgerRow = {
      eventId: e.raw.eventId,
      subscriptionId: sub.id,
      subscriberId: e.raw.subscriberId,
      cycle: cycle ? cycleKey(cycle) : null,
      model: e.raw.model,
      rateId: rate.id,
      occurredAtMs: t,
      inputTokens: e.raw.inputTokens,
      outputTokens: e.raw.outputTokens,
      credits,
      bucketCredits: 0,
      overageCredits: 0,
      unbilledCredits: 0,
      late: false,
      draws: [],
      bodyKey: e.key,
    };
    if (!cycle) {
      // Ended subscription, no open cycle: recorded, nothing billable.
      row.unbilledCredits = credits;
      return { kind: 'recorded', row };
    }
    row.late = t < cycle.startAt.getTime();
    const at = Math.max(t, cycle.startAt.getTime());
    const usable = [...w.buckets.values()]
      .filter((b) => b.subscriptionId === sub.id && b.validFrom.getTime() <= at && at < b.expiresAt.getTime() && b.remainingCredits > 0)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || KIND_RANK[a.kind] - KIND_RANK[b.kind] || a.seq - b.seq);
    let left = credits;
    for (const b of usable) {
      if (left === 0) break;
      const take = Math.min(left, b.remainingCredits);
      b.remainingCredits -= take;
      left -= take;
      row.draws.push({ bucket: bucketKey(b, cycleOf(b.cycleId)), credits: take });
    }
    row.bucketCredits = credits - left;
    const split = splitUncovered(left, plan.overage, cycle.overageCredits);
    row.overageCredits = split.overageCredits;
    row.unbilledCredits = split.unbilledCredits;
    cycle.overageCredits += split.overageCredits;
    cycle.unbilledCredits += split.unbilledCredits;
    const mk = `${cycle.id}|${e.raw.subscriberId}`;
    w.memberUsage.set(mk, (w.memberUsage.get(mk) ?? 0) + credits);
    return { kind: 'recorded', row };
  };

  // ---- jobs ----------------------------------------------------------------------------------
  jobs.forEach((job, jobIndex) => {
    const parsed = job.map((raw, index) => ({ raw, index, at: instantMs(raw.occurredAt), key: bodyKey(raw) }));
    const ordered = [...parsed].sort((a, b) => a.at - b.at || (a.raw.eventId < b.raw.eventId ? -1 : a.raw.eventId > b.raw.eventId ? 1 : a.index - b.index));
    for (const e of ordered) {
      const owner = w.claimedIds.get(e.raw.eventId);
      let outcome: 'recorded' | 'duplicate' | Reason;
      if (owner) {
        // The first body seen owns the id forever: an identical repeat is a no-op, another body a conflict.
        if (owner.bodyKey === e.key) outcome = 'duplicate';
        else {
          reject(e, 'DUPLICATE_CONFLICT');
          outcome = 'DUPLICATE_CONFLICT';
        }
      } else {
        const fate = apply(e);
        if (fate.kind === 'recorded') {
          ledger.set(e.raw.eventId, fate.row);
          w.claimedIds.set(e.raw.eventId, { bodyKey: e.key, outcome: 'recorded' });
          outcome = 'recorded';
        } else {
          reject(e, fate.reason);
          w.claimedIds.set(e.raw.eventId, { bodyKey: e.key, outcome: 'rejected' });
          outcome = fate.reason;
        }
      }
      outcomes.push({ job: jobIndex, index: e.index, eventId: e.raw.eventId, outcome });
    }
  });

  // ---- final state -------------------------------------------------------------------------
  const buckets = new Map<string, { remaining: number; granted: number }>();
  for (const b of w.buckets.values()) buckets.set(bucketKey(b, cycleOf(b.cycleId)), { remaining: b.remainingCredits, granted: b.grantedCredits });
  const cycles = new Map<string, { overage: number; unbilled: number; status: string }>();
  for (const c of w.cycles.values()) cycles.set(cycleKey(c), { overage: c.overageCredits, unbilled: c.unbilledCredits, status: c.status });
  const memberUsage = new Map<string, number>();
  for (const [k, v] of w.memberUsage) {
    const [cycleId, subscriberId] = splitOnce(k, '|');
    memberUsage.set(`${cycleKey(cycleOf(cycleId))}|${subscriberId}`, v);
  }
  const eventIds = new Map([...w.claimedIds].map(([id, o]) => [id, o.outcome] as const));
  return { ledger, rejected, eventIds, buckets, cycles, memberUsage, outcomes };
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return [s.slice(0, i), s.slice(i + 1)];
}

// ---------------------------------------------------------------------------------------------
// Opening a subscription (first cycle prorated, then rolled to now), for checking the setup.

export interface ExpectedCycle {
  period: string;
  startAt: Date;
  endAt: Date;
  status: 'open' | 'closed';
  buckets: { kind: BucketKind; granted: number }[];
}

/** Local calendar date of an instant in `tz` (Intl, independent of the code under test). */
function localYmd(instant: Date, tz: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/**
 * Cycles and grants of a subscription to `plan` started at `startAt` and rolled to `now`: the first
 * cycle runs from startAt to the next local 1st with floor(allowance × daysRemaining / daysInMonth);
 * every next cycle gets the full allowance plus min(floor(unused plan credits × percent / 100), max).
 * No usage in between (the rollover carries the whole unused first allowance).
 */
export function expectedOpening(plan: PlanTerms, startAt: Date, now: Date, tz: string): ExpectedCycle[] {
  const first = cycleContaining(startAt, tz);
  const { year, month, day } = localYmd(startAt, tz);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const daysRemaining = daysInMonth - day + 1;
  const allowance = Number((BigInt(plan.allowanceCredits) * BigInt(daysRemaining)) / BigInt(daysInMonth));
  const out: ExpectedCycle[] = [
    { period: first.period, startAt, endAt: first.end, status: 'open', buckets: allowance > 0 ? [{ kind: 'plan', granted: allowance }] : [] },
  ];
  let unused = allowance;
  while (out[out.length - 1].endAt.getTime() <= now.getTime()) {
    const prev = out[out.length - 1];
    prev.status = 'closed';
    const next = cycleContaining(prev.endAt, tz);
    const buckets: ExpectedCycle['buckets'] = [];
    if (plan.allowanceCredits > 0) buckets.push({ kind: 'plan', granted: plan.allowanceCredits });
    const carried = rolloverCredits(unused, plan.rollover.percent, plan.rollover.maxCredits);
    if (carried > 0) buckets.push({ kind: 'rollover', granted: carried });
    out.push({ period: next.period, startAt: next.start, endAt: next.end, status: 'open', buckets });
    unused = plan.allowanceCredits;
  }
  return out;
}
