/**
 * Shared helpers of the ledger-model suites: the small catalog, one fresh "world" of subscriptions
 * per run, reading that world and the ledger back from PostgreSQL in the reference model's shape,
 * comparing, enqueueing jobs, and worker child processes.
 */
import { ChildProcess } from 'node:child_process';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES } from '../../src/queue/queue-names';
import { USAGE_BATCH_JOB } from '../../src/usage/usage-job';
import { ReconciliationRepository } from '../../src/verification/reconciliation.repository';
import { TestApp, bearer } from '../support/test-app';
import { spawnWorker as spawnServiceWorker } from '../support/worker-process';
import {
  BucketKind,
  ExpectedLedger,
  ExpectedLedgerRow,
  PlanTerms,
  RateVersion,
  RawEvent,
  Reason,
  World,
  bodyKey,
  bucketKey,
  cycleKey,
} from './reference-model';

export const TZ_OFFSET = '+08:00'; // Asia/Shanghai has no DST: a fixed offset for alternative spellings
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// HTTP helpers

async function call(t: TestApp, method: 'post' | 'delete', url: string, body: object | undefined, expected: number): Promise<any> {
  const req =
    method === 'post'
      ? t
          .http()
          .post(url)
          .set(bearer(t.adminKey))
          .send(body ?? {})
      : t.http().delete(url).set(bearer(t.adminKey));
  const res = await req;
  if (res.status !== expected) throw new Error(`${method.toUpperCase()} ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Catalog: created once per app

export const MODELS = { one: 'lm-one', frac: 'lm-frac', heavy: 'lm-heavy' } as const;
export const PLANS = { blk: 'lm-blk', famcap: 'lm-famcap', open: 'lm-open', narrow: 'lm-narrow' } as const;

export interface Catalog {
  /** start of the billing cycle (local month) that contains the catalog's creation */
  monthStart: Date;
  monthEnd: Date;
  /** instants of the rate versions added to lm-frac */
  rateChanges: Date[];
}

/**
 * Models: lm-one (1, 2), lm-frac (0.25, 1.5 → from monthStart−5d 0.5, 2.25 → from the middle of
 * the month so far 0.3333, 1.0001), lm-heavy (2.5, 4).
 * Plans (small allowances, so streams exhaust them): lm-blk personal block 12,000 cr rollover 50 %
 * ≤ 1,500; lm-famcap family payg 1000 fen/M capped at 3 fen (= 3,000 credits) 8,000 cr, only lm-one
 * and lm-frac; lm-open family payg 250 fen/M uncapped 6,000 cr rollover 100 % ≤ 2,000; lm-narrow
 * personal block 5,000 cr, lm-one only.
 */
export async function createCatalog(t: TestApp, monthStart: Date, monthEnd: Date): Promise<Catalog> {
  await call(t, 'post', '/v1/providers', { code: 'lm-prov', name: 'Ledger model provider' }, 201);
  const model = (code: string, inputWeight: string, outputWeight: string) =>
    call(
      t,
      'post',
      '/v1/models',
      { code, providerCode: 'lm-prov', inputWeight, outputWeight, providerInputPricePerMillionFen: 100, providerOutputPricePerMillionFen: 300 },
      201,
    );
  await model(MODELS.one, '1', '2');
  await model(MODELS.frac, '0.25', '1.5');
  await model(MODELS.heavy, '2.5', '4');
  const now = Date.now();
  const rateChanges = [new Date(monthStart.getTime() - 5 * DAY), new Date(monthStart.getTime() + Math.floor((now - monthStart.getTime()) / 2))];
  await call(t, 'post', `/v1/models/${MODELS.frac}/rates`, { effectiveFrom: rateChanges[0].toISOString(), inputWeight: '0.5', outputWeight: '2.25' }, 201);
  await call(t, 'post', `/v1/models/${MODELS.frac}/rates`, { effectiveFrom: rateChanges[1].toISOString(), inputWeight: '0.3333', outputWeight: '1.0001' }, 201);
  const plan = (p: Record<string, unknown>) =>
    call(t, 'post', '/v1/plans', { name: `Plan ${String(p.code)}`, monthlyFeeFen: 990, rollover: { percent: 0, maxCredits: 0 }, ...p }, 201);
  await plan({
    code: PLANS.blk,
    kind: 'personal',
    maxMembers: 1,
    allowanceCredits: 12_000,
    models: ['*'],
    overage: { mode: 'block', ratePerMillionFen: 0, capFen: null },
    rollover: { percent: 50, maxCredits: 1_500 },
  });
  await plan({
    code: PLANS.famcap,
    kind: 'family',
    maxMembers: 5,
    allowanceCredits: 8_000,
    models: [MODELS.one, MODELS.frac],
    overage: { mode: 'payg', ratePerMillionFen: 1000, capFen: 3 },
  });
  await plan({
    code: PLANS.open,
    kind: 'family',
    maxMembers: 4,
    allowanceCredits: 6_000,
    models: ['*'],
    overage: { mode: 'payg', ratePerMillionFen: 250, capFen: null },
    rollover: { percent: 100, maxCredits: 2_000 },
  });
  await plan({
    code: PLANS.narrow,
    kind: 'personal',
    maxMembers: 1,
    allowanceCredits: 5_000,
    models: [MODELS.one],
    overage: { mode: 'block', ratePerMillionFen: 0, capFen: null },
  });
  return { monthStart, monthEnd, rateChanges };
}

export async function createAccount(t: TestApp, ref: string): Promise<string> {
  return (await call(t, 'post', '/v1/accounts', { externalRef: ref, type: 'enterprise', name: `Account ${ref}` }, 201)).id as string;
}

// ---------------------------------------------------------------------------------------------
// One run's world

export type TimeKind = 'member' | 'late' | 'before' | 'after' | 'future' | 'tooOld' | 'nearFuture' | 'edge';

export interface SubscriberSlot {
  subscriberId: string;
  /** instants (ms, [lo, hi)) by kind; empty when the kind does not apply to this subscriber */
  ranges: Record<'member' | 'late' | 'before' | 'after', [number, number][]>;
  /** boundaries that matter for this subscriber (membership start/end, cycle start, rate changes); events land on them ±1 ms */
  edges: number[];
}

export interface RunWorld {
  tag: string;
  subscriptionIds: string[];
  /** named subscriptions of the layout */
  subs: { blk: string; fam: string; open: string; narrow: string; term: string };
  slots: SubscriberSlot[];
  world: World;
  /** instant the world was read; events are generated around it */
  now: Date;
  setup: { startAt: Map<string, Date> };
}

/**
 * Layout (fresh subscribers, unique to `tag`):
 *  - blk: lm-blk started 10 days before this month (previous cycle closed, plan + rollover now): a
 *  - fam: lm-famcap started within this month: b, c, d; e added now; d removed (then moves to open)
 *  - open: lm-open started 8 days before this month: f; d added after it left fam
 *  - narrow: lm-narrow started now, with a pending change to lm-blk: g
 *  - term: lm-blk started within this month, terminated now: h
 *  - u: never subscribed
 */
export async function setupRun(t: TestApp, catalog: Catalog, accountId: string, tag: string): Promise<RunWorld> {
  const id = (s: string) => `${tag}-${s}`;
  const M = catalog.monthStart.getTime();
  const inMonth = (share: number) => new Date(M + Math.floor((Date.now() - M) * share));
  const sub = async (planCode: string, members: string[], startAt?: Date) =>
    (
      await call(
        t,
        'post',
        '/v1/subscriptions',
        { accountId, planCode, members: members.map((m) => ({ subscriberId: id(m) })), ...(startAt ? { startAt: startAt.toISOString() } : {}) },
        201,
      )
    ).id as string;
  const startAt = new Map<string, Date>();
  const blkStart = new Date(M - 10 * DAY + 3_600_000);
  const famStart = inMonth(0.3);
  const openStart = new Date(M - 8 * DAY);
  const termStart = inMonth(0.6);
  const blk = await sub(PLANS.blk, ['a'], blkStart);
  const fam = await sub(PLANS.famcap, ['b', 'c', 'd'], famStart);
  const open = await sub(PLANS.open, ['f'], openStart);
  const narrow = await sub(PLANS.narrow, ['g']);
  const term = await sub(PLANS.blk, ['h'], termStart);
  startAt.set(blk, blkStart).set(fam, famStart).set(open, openStart).set(term, termStart);
  // Creation does not roll (SPEC §4); reading shows a subscription as of now, which rolls the backdated ones.
  for (const backdated of [blk, open]) {
    const read = await t.http().get(`/v1/subscriptions/${backdated}`).set(bearer(t.adminKey));
    if (read.status !== 200) throw new Error(`GET /v1/subscriptions/${backdated} answered ${read.status}`);
  }
  await call(t, 'post', `/v1/subscriptions/${narrow}/change-plan`, { planCode: PLANS.blk }, 200);
  await call(t, 'post', `/v1/subscriptions/${term}/terminate`, {}, 200);
  await call(t, 'post', `/v1/subscriptions/${fam}/members`, { subscriberId: id('e') }, 201);
  await call(t, 'delete', `/v1/subscriptions/${fam}/members/${id('d')}`, undefined, 200);
  await sleep(25); // a gap in d's memberships
  await call(t, 'post', `/v1/subscriptions/${open}/members`, { subscriberId: id('d') }, 201);
  await sleep(5);
  const subscriptionIds = [blk, fam, open, narrow, term];
  const subscriberIds = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(id);
  const world = await snapshotWorld(t, subscriptionIds, subscriberIds);
  const now = new Date();
  const slots = [...subscriberIds, id('u')].map((s) => slotOf(s, world, now.getTime(), M));
  return { tag, subscriptionIds, subs: { blk, fam, open, narrow, term }, slots, world, now, setup: { startAt } };
}

function slotOf(subscriberId: string, world: World, now: number, monthStart: number): SubscriberSlot {
  const spans = world.memberships.filter((m) => m.subscriberId === subscriberId).sort((a, b) => a.addedAt.getTime() - b.addedAt.getTime());
  const ranges: SubscriberSlot['ranges'] = { member: [], late: [], before: [], after: [] };
  const rateChanges = [...world.models.values()]
    .flat()
    .map((v) => v.effectiveFrom.getTime())
    .filter((t) => t > 0);
  const edges = new Set<number>(rateChanges.filter((t) => t <= now));
  if (spans.length === 0) {
    ranges.member.push([monthStart, now]);
    edges.add(monthStart);
    return { subscriberId, ranges, edges: [...edges].sort() };
  }
  ranges.before.push([spans[0].addedAt.getTime() - 3 * DAY, spans[0].addedAt.getTime()]);
  spans.forEach((m, i) => {
    const lo = m.addedAt.getTime();
    const hi = Math.min(m.removedAt?.getTime() ?? now, now);
    if (hi > lo) ranges.member.push([lo, hi]);
    const s = world.subscriptions.get(m.subscriptionId)!;
    const cycle = s.currentCycleId ? world.cycles.get(s.currentCycleId)! : null;
    if (cycle && lo < cycle.startAt.getTime()) ranges.late.push([lo, Math.min(hi, cycle.startAt.getTime())]);
    edges.add(lo);
    if (m.removedAt) edges.add(m.removedAt.getTime());
    if (cycle && lo < cycle.startAt.getTime()) edges.add(cycle.startAt.getTime());
    if (m.removedAt) {
      const next = spans[i + 1]?.addedAt.getTime() ?? m.removedAt.getTime() + 60_000;
      if (next > m.removedAt.getTime()) ranges.after.push([m.removedAt.getTime(), next]);
    }
  });
  return { subscriberId, ranges, edges: [...edges].filter((t) => t <= now).sort((x, y) => x - y) };
}

// ---------------------------------------------------------------------------------------------
// Reading the world and the ledger

const n = (v: string | number | null): number => (v === null ? 0 : Number(v));

/** The world of the given subscriptions as stored now, in the reference model's shape. */
export async function snapshotWorld(t: TestApp, subscriptionIds: string[], subscriberIds: string[]): Promise<World> {
  const db = t.db;
  const models = new Map<string, RateVersion[]>();
  for (const r of await db.query(`SELECT id, model_code, effective_from, input_weight_scaled, output_weight_scaled FROM model_rates ORDER BY effective_from`)) {
    const list = models.get(r.model_code) ?? [];
    list.push({ id: r.id, effectiveFrom: r.effective_from, inputWeightScaled: n(r.input_weight_scaled), outputWeightScaled: n(r.output_weight_scaled) });
    models.set(r.model_code, list);
  }
  const plans = new Map<string, PlanTerms>();
  for (const p of await db.query(`SELECT * FROM plans`)) {
    plans.set(p.code, {
      code: p.code,
      models: p.models,
      allowanceCredits: n(p.allowance_credits),
      overage: { mode: p.overage_mode, ratePerMillionFen: n(p.overage_rate_per_million_fen), capFen: p.overage_cap_fen === null ? null : n(p.overage_cap_fen) },
      rollover: { percent: n(p.rollover_percent), maxCredits: n(p.rollover_max_credits) },
    });
  }
  const world: World = {
    tz: t.config.BILLING_TZ,
    retentionDays: t.config.USAGE_RETENTION_DAYS,
    models,
    plans,
    subscriptions: new Map(),
    cycles: new Map(),
    buckets: new Map(),
    memberships: [],
    memberUsage: new Map(),
    claimedIds: new Map(),
  };
  for (const s of await db.query(`SELECT * FROM subscriptions WHERE id = ANY($1::uuid[])`, [subscriptionIds])) {
    world.subscriptions.set(s.id, {
      id: s.id,
      planCode: s.plan_code,
      pendingPlanCode: s.pending_plan_code,
      status: s.status,
      endedAt: s.ended_at,
      currentCycleId: s.current_cycle_id,
    });
  }
  for (const c of await db.query(`SELECT * FROM cycles WHERE subscription_id = ANY($1::uuid[])`, [subscriptionIds])) {
    world.cycles.set(c.id, {
      id: c.id,
      subscriptionId: c.subscription_id,
      planCode: c.plan_code,
      startAt: c.start_at,
      endAt: c.end_at,
      status: c.status,
      overageCredits: n(c.overage_credits),
      unbilledCredits: n(c.unbilled_credits),
    });
  }
  for (const b of await db.query(`SELECT * FROM buckets WHERE subscription_id = ANY($1::uuid[])`, [subscriptionIds])) {
    world.buckets.set(b.id, {
      id: b.id,
      seq: n(b.seq),
      subscriptionId: b.subscription_id,
      cycleId: b.cycle_id,
      kind: b.kind as BucketKind,
      grantedCredits: n(b.granted_credits),
      remainingCredits: n(b.remaining_credits),
      validFrom: b.valid_from,
      expiresAt: b.expires_at,
    });
  }
  for (const m of await db.query(`SELECT * FROM members WHERE subscriber_id = ANY($1::text[])`, [subscriberIds])) {
    world.memberships.push({ subscriberId: m.subscriber_id, subscriptionId: m.subscription_id, addedAt: m.added_at, removedAt: m.removed_at });
  }
  for (const u of await db.query(`SELECT u.* FROM member_cycle_usage u JOIN cycles c ON c.id = u.cycle_id WHERE c.subscription_id = ANY($1::uuid[])`, [
    subscriptionIds,
  ])) {
    world.memberUsage.set(`${u.cycle_id}|${u.subscriber_id}`, n(u.used_credits));
  }
  return world;
}

/** A ledger row read back from the database, in the reference model's shape. */
export type ActualLedgerRow = ExpectedLedgerRow;

export interface ActualLedger {
  ledger: Map<string, ActualLedgerRow>;
  /** duplicates in the ledger (same eventId twice) are reported here */
  ledgerDuplicates: string[];
  rejected: { eventId: string; bodyKey: string; reason: string }[];
  eventIds: Map<string, string>;
  buckets: Map<string, { remaining: number; granted: number }>;
  cycles: Map<string, { overage: number; unbilled: number; status: string }>;
  memberUsage: Map<string, number>;
}

/** The ledger, rejections, claimed ids and balances of the given subscriptions and event ids. */
export async function readActual(db: DataSource, subscriptionIds: string[], eventIds: string[]): Promise<ActualLedger> {
  const cycles = new Map<string, { subscriptionId: string; startAt: Date }>();
  const out: ActualLedger = {
    ledger: new Map(),
    ledgerDuplicates: [],
    rejected: [],
    eventIds: new Map(),
    buckets: new Map(),
    cycles: new Map(),
    memberUsage: new Map(),
  };
  for (const c of await db.query(`SELECT * FROM cycles WHERE subscription_id = ANY($1::uuid[])`, [subscriptionIds])) {
    cycles.set(c.id, { subscriptionId: c.subscription_id, startAt: c.start_at });
    out.cycles.set(cycleKey({ subscriptionId: c.subscription_id, startAt: c.start_at }), {
      overage: n(c.overage_credits),
      unbilled: n(c.unbilled_credits),
      status: c.status,
    });
  }
  const ck = (id: string) => {
    const c = cycles.get(id);
    if (!c) throw new Error(`cycle ${id} is not one of the run's subscriptions`);
    return cycleKey(c);
  };
  const bucketKeys = new Map<string, string>();
  for (const b of await db.query(`SELECT * FROM buckets WHERE subscription_id = ANY($1::uuid[])`, [subscriptionIds])) {
    const key = bucketKey({ kind: b.kind, seq: n(b.seq) }, cycles.get(b.cycle_id)!);
    bucketKeys.set(b.id, key);
    out.buckets.set(key, { remaining: n(b.remaining_credits), granted: n(b.granted_credits) });
  }
  for (const u of await db.query(`SELECT u.* FROM member_cycle_usage u JOIN cycles c ON c.id = u.cycle_id WHERE c.subscription_id = ANY($1::uuid[])`, [
    subscriptionIds,
  ])) {
    out.memberUsage.set(`${ck(u.cycle_id)}|${u.subscriber_id}`, n(u.used_credits));
  }
  const rows = await db.query(`SELECT * FROM usage_ledger WHERE event_id = ANY($1::text[]) ORDER BY occurred_at, event_id`, [eventIds]);
  for (const r of rows) {
    if (out.ledger.has(r.event_id)) out.ledgerDuplicates.push(r.event_id);
    const raw: RawEvent = {
      eventId: r.event_id,
      subscriberId: r.subscriber_id,
      model: r.model_code,
      inputTokens: n(r.input_tokens),
      outputTokens: n(r.output_tokens),
      occurredAt: (r.occurred_at as Date).toISOString(),
      ...(r.request_id !== null ? { requestId: r.request_id } : {}),
      ...(r.reservation_id !== null ? { reservationId: r.reservation_id } : {}),
      ...(r.metadata !== null ? { metadata: r.metadata } : {}),
    };
    out.ledger.set(r.event_id, {
      eventId: r.event_id,
      subscriptionId: r.subscription_id,
      subscriberId: r.subscriber_id,
      cycle: r.cycle_id ? ck(r.cycle_id) : null,
      model: r.model_code,
      rateId: r.rate_id,
      occurredAtMs: (r.occurred_at as Date).getTime(),
      inputTokens: n(r.input_tokens),
      outputTokens: n(r.output_tokens),
      credits: n(r.credits),
      bucketCredits: n(r.bucket_credits),
      overageCredits: n(r.overage_credits),
      unbilledCredits: n(r.unbilled_credits),
      late: r.late,
      draws: (r.draws as { bucketId: string; credits: number }[]).map((d) => ({
        bucket: bucketKeys.get(d.bucketId) ?? `?${d.bucketId}`,
        credits: Number(d.credits),
      })),
      bodyKey: bodyKey(raw),
    });
  }
  for (const r of await db.query(`SELECT event_id, reason, event FROM rejected_usage WHERE event_id = ANY($1::text[])`, [eventIds])) {
    out.rejected.push({ eventId: r.event_id, bodyKey: bodyKey(r.event as RawEvent), reason: r.reason });
  }
  for (const r of await db.query(`SELECT event_id, outcome FROM usage_event_ids WHERE event_id = ANY($1::text[])`, [eventIds]))
    out.eventIds.set(r.event_id, r.outcome);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparing

export type CompareMode =
  /** jobs were applied one at a time in the given order: every row must match, split and draws included */
  | 'exact'
  /** jobs ran concurrently in an unknown order: per-event attribution and credits, and every total */
  | 'aggregate';

const show = (v: unknown) => JSON.stringify(v);

/** Differences between the model and the database; empty when they agree. */
export function compareLedger(expected: ExpectedLedger, actual: ActualLedger, mode: CompareMode): string[] {
  const diffs: string[] = [];
  for (const id of actual.ledgerDuplicates) diffs.push(`ledger: ${id} recorded more than once`);
  for (const [id, e] of expected.ledger) {
    const a = actual.ledger.get(id);
    if (!a) {
      diffs.push(`ledger: ${id} missing (expected ${show({ credits: e.credits, sub: e.subscriberId })})`);
      continue;
    }
    const fields: (keyof ActualLedgerRow)[] = [
      'subscriptionId',
      'subscriberId',
      'cycle',
      'model',
      'rateId',
      'occurredAtMs',
      'inputTokens',
      'outputTokens',
      'credits',
      'late',
      'bodyKey',
    ];
    if (mode === 'exact') fields.push('bucketCredits', 'overageCredits', 'unbilledCredits', 'draws');
    for (const f of fields) if (show(a[f]) !== show(e[f])) diffs.push(`ledger ${id}.${f}: expected ${show(e[f])}, got ${show(a[f])}`);
  }
  for (const id of actual.ledger.keys()) if (!expected.ledger.has(id)) diffs.push(`ledger: unexpected row ${id}`);

  const rejKey = (r: { eventId: string; bodyKey: string }) => `${r.eventId}|${r.bodyKey}`;
  const actualRejected = new Map<string, string[]>();
  for (const r of actual.rejected) actualRejected.set(rejKey(r), [...(actualRejected.get(rejKey(r)) ?? []), r.reason]);
  for (const [k, e] of expected.rejected) {
    const got = actualRejected.get(k);
    if (!got) diffs.push(`rejected: ${e.eventId} (${e.reason}) missing`);
    else if (got.length !== 1 || got[0] !== e.reason) diffs.push(`rejected ${e.eventId}: expected ${e.reason}, got ${show(got)}`);
  }
  for (const [k, reasons] of actualRejected) {
    if (!expected.rejected.has(k)) {
      const id = k.slice(0, k.indexOf('|'));
      const inLedger = actual.ledger.get(id)?.bodyKey === k.slice(k.indexOf('|') + 1);
      diffs.push(`rejected: unexpected ${id} ${show(reasons)}${inLedger ? ' — this very body is also in usage_ledger' : ''}`);
    }
  }
  for (const [id, o] of expected.eventIds)
    if (actual.eventIds.get(id) !== o) diffs.push(`usage_event_ids ${id}: expected ${o}, got ${actual.eventIds.get(id)}`);
  for (const id of actual.eventIds.keys()) if (!expected.eventIds.has(id)) diffs.push(`usage_event_ids: unexpected ${id}`);

  for (const [k, e] of expected.buckets) {
    const a = actual.buckets.get(k);
    if (!a || a.remaining !== e.remaining || a.granted !== e.granted) diffs.push(`bucket ${k}: expected ${show(e)}, got ${show(a)}`);
  }
  for (const k of actual.buckets.keys()) if (!expected.buckets.has(k)) diffs.push(`bucket: unexpected ${k}`);
  for (const [k, e] of expected.cycles) {
    const a = actual.cycles.get(k);
    if (!a || a.overage !== e.overage || a.unbilled !== e.unbilled || a.status !== e.status) diffs.push(`cycle ${k}: expected ${show(e)}, got ${show(a)}`);
  }
  for (const k of actual.cycles.keys()) if (!expected.cycles.has(k)) diffs.push(`cycle: unexpected ${k}`);
  for (const [k, e] of expected.memberUsage)
    if ((actual.memberUsage.get(k) ?? 0) !== e) diffs.push(`member usage ${k}: expected ${e}, got ${actual.memberUsage.get(k)}`);
  for (const [k, a] of actual.memberUsage) if (!expected.memberUsage.has(k) && a !== 0) diffs.push(`member usage: unexpected ${k} = ${a}`);
  return diffs;
}

/**
 * "Balances always equal what the ledger says", checked on the database alone: every bucket's
 * consumption is the sum of the ledger's draws on it, a cycle's overage/unbilled are the sums of its
 * rows, a member's usage the sum of its credits, and every row splits its credits exactly.
 * `initial` holds the balances before the jobs.
 */
export function ledgerInvariants(actual: ActualLedger, initial: ActualLedger): string[] {
  const diffs: string[] = [];
  const drawn = new Map<string, number>();
  const cyc = new Map<string, { overage: number; unbilled: number }>();
  const used = new Map<string, number>();
  for (const r of actual.ledger.values()) {
    if (r.bucketCredits + r.overageCredits + r.unbilledCredits !== r.credits) diffs.push(`row ${r.eventId} does not split its credits`);
    const d = r.draws.reduce((s, x) => s + x.credits, 0);
    if (d !== r.bucketCredits) diffs.push(`row ${r.eventId}: draws ${d} ≠ bucketCredits ${r.bucketCredits}`);
    for (const x of r.draws) drawn.set(x.bucket, (drawn.get(x.bucket) ?? 0) + x.credits);
    if (r.cycle) {
      const c = cyc.get(r.cycle) ?? { overage: 0, unbilled: 0 };
      cyc.set(r.cycle, { overage: c.overage + r.overageCredits, unbilled: c.unbilled + r.unbilledCredits });
      used.set(`${r.cycle}|${r.subscriberId}`, (used.get(`${r.cycle}|${r.subscriberId}`) ?? 0) + r.credits);
    }
  }
  for (const [k, b] of actual.buckets) {
    const before = initial.buckets.get(k)?.remaining ?? b.granted;
    if (before - b.remaining !== (drawn.get(k) ?? 0)) diffs.push(`bucket ${k}: consumed ${before - b.remaining}, ledger draws ${drawn.get(k) ?? 0}`);
  }
  for (const [k, c] of actual.cycles) {
    const before = initial.cycles.get(k) ?? { overage: 0, unbilled: 0 };
    const sum = cyc.get(k) ?? { overage: 0, unbilled: 0 };
    if (c.overage - before.overage !== sum.overage || c.unbilled - before.unbilled !== sum.unbilled) {
      diffs.push(
        `cycle ${k}: totals grew ${show({ overage: c.overage - before.overage, unbilled: c.unbilled - before.unbilled })}, ledger rows say ${show(sum)}`,
      );
    }
  }
  for (const [k, u] of actual.memberUsage) {
    const before = initial.memberUsage.get(k) ?? 0;
    if (u - before !== (used.get(k) ?? 0)) diffs.push(`member usage ${k}: grew ${u - before}, ledger says ${used.get(k) ?? 0}`);
  }
  return diffs;
}

/**
 * The provider usage parts the writer appended agree with the ledger, per (model, rate version,
 * period): the verifier's own reconciliation, over the whole database.
 */
export async function providerUsageDiffs(t: TestApp): Promise<string[]> {
  const result = await t.app.get(ReconciliationRepository).providerUsage(t.db.manager, t.config.BILLING_TZ);
  return result.differences.map((d) => `provider usage ${d.id}: ledger ${JSON.stringify(d.expected)}, parts ${JSON.stringify(d.actual)}`);
}

/** GET /balance of every subscription with an open cycle agrees with the model. */
export async function balanceDiffs(t: TestApp, run: RunWorld, expected: ExpectedLedger): Promise<string[]> {
  const diffs: string[] = [];
  for (const id of run.subscriptionIds) {
    const res = await t.http().get(`/v1/subscriptions/${id}/balance`).set(bearer(t.adminKey));
    if (res.status !== 200) {
      diffs.push(`balance ${id}: HTTP ${res.status}`);
      continue;
    }
    const b = res.body;
    if (!b.cycle) continue;
    const ck = cycleKey({ subscriptionId: id, startAt: new Date(b.cycle.start) });
    const cyc = expected.cycles.get(ck);
    if (!cyc) {
      diffs.push(`balance ${id}: cycle ${ck} unknown to the model`);
      continue;
    }
    if (b.overageCredits !== cyc.overage || b.unbilledCredits !== cyc.unbilled)
      diffs.push(`balance ${id}: overage/unbilled ${b.overageCredits}/${b.unbilledCredits}, model ${cyc.overage}/${cyc.unbilled}`);
    for (const bk of b.buckets as { kind: string; remainingCredits: number; validFrom: string }[]) {
      const e = expected.buckets.get(`${ck}#${bk.kind}`);
      if (bk.kind !== 'topup' && e?.remaining !== bk.remainingCredits)
        diffs.push(`balance ${id}: ${bk.kind} bucket ${bk.remainingCredits}, model ${e?.remaining}`);
    }
    for (const m of b.members as { subscriberId: string; usedCredits: number }[]) {
      const e = expected.memberUsage.get(`${ck}|${m.subscriberId}`) ?? 0;
      if (m.usedCredits !== e) diffs.push(`balance ${id}: member ${m.subscriberId} used ${m.usedCredits}, model ${e}`);
    }
  }
  return diffs;
}

export function formatDiffs(diffs: string[], max = 25): string {
  return diffs.slice(0, max).join('\n') + (diffs.length > max ? `\n… and ${diffs.length - max} more` : '');
}

// ---------------------------------------------------------------------------------------------
// Queue

export const usageQueue = (t: TestApp): Queue => t.app.get<Queue>(getQueueToken(QUEUES.usageEvents));

/** Enqueues the jobs in order, each either straight on the queue or through POST /v1/usage-events. */
export async function enqueueJobs(t: TestApp, jobs: RawEvent[][], via: ('queue' | 'http')[] = [], gatewayKey?: string): Promise<void> {
  const queue = usageQueue(t);
  for (let i = 0; i < jobs.length; i++) {
    if (via[i] === 'http') {
      if (!gatewayKey) throw new Error('enqueueJobs: a gateway key is needed for http');
      const res = await t.http().post('/v1/usage-events').set(bearer(gatewayKey)).send({ events: jobs[i] });
      if (res.status !== 202) throw new Error(`POST /v1/usage-events answered ${res.status}: ${JSON.stringify(res.body)}`);
    } else {
      await queue.add(USAGE_BATCH_JOB, { events: jobs[i] });
    }
  }
}

/** Waits until nothing is waiting, delayed or active; returns the counts of the finished states. */
export async function waitDrained(queue: Queue, timeoutMs: number): Promise<{ completed: number; failed: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused');
    if (Object.values(c).every((x) => x === 0)) {
      const done = await queue.getJobCounts('completed', 'failed');
      return { completed: done.completed ?? 0, failed: done.failed ?? 0 };
    }
    if (Date.now() > deadline) throw new Error(`usage queue not drained after ${timeoutMs} ms: ${JSON.stringify(c)}`);
    await sleep(50);
  }
}

/** Failure reasons of failed jobs, and completed jobs that needed more than one attempt or stalled. */
export async function jobHistory(queue: Queue): Promise<{ failed: string[]; retried: string[] }> {
  const failed = (await queue.getFailed(0, 1000)).map((j) => `job ${j.id}: ${j.failedReason}`);
  const retried = (await queue.getCompleted(0, 10_000))
    .filter((j) => j.attemptsMade > 1 || (j.stalledCounter ?? 0) > 0)
    .map(
      (j) =>
        `job ${j.id}: attemptsMade=${j.attemptsMade} stalledCounter=${j.stalledCounter} ${JSON.stringify((j.stacktrace ?? []).map((s) => s.split('\n').slice(0, 3).join(' | ')))}`,
    );
  return { failed, retried };
}

// ---------------------------------------------------------------------------------------------
// Worker child processes

export interface WorkerChild {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive: () => boolean;
}

/** A worker process on the test's database and Redis prefix, its output kept for failure reports. */
export function spawnWorker(t: TestApp, name: string, env: Record<string, string> = {}): WorkerChild {
  const child = spawnServiceWorker(t, { LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '2', ...env }, 'pipe');
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  return { name, child, output: () => out, exited, alive: () => running };
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
export async function stopWorker(w: WorkerChild, graceMs = 5000): Promise<void> {
  if (!w.alive()) return;
  w.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([w.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
  clearTimeout(timer);
  if (!done && w.alive()) {
    w.child.kill('SIGKILL');
    await w.exited;
  }
}

/** Waits until `count` worker connections are registered on the queue (the children are consuming). */
export async function waitForWorkers(queue: Queue, count: number, children: WorkerChild[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = children.filter((c) => !c.alive());
    if (dead.length) throw new Error(`worker ${dead[0].name} exited during start:\n${dead[0].output()}`);
    if ((await queue.getWorkersCount()) >= count) return;
    if (Date.now() > deadline)
      throw new Error(`only ${await queue.getWorkersCount()} of ${count} workers came up:\n${children.map((c) => `${c.name}: ${c.output()}`).join('\n')}`);
    await sleep(100);
  }
}

export type { RawEvent, Reason };
