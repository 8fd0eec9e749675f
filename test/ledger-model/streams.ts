/**
 * Random usage streams over a RunWorld: abstract operations (fast-check friendly, shrinkable)
 * turned into concrete events and jobs once the world's instants are known.
 */
import fc from 'fast-check';
import { RawEvent } from './reference-model';
import { MODELS, RunWorld, TZ_OFFSET, TimeKind } from './support';

const DAY = 86_400_000;
export const MODEL_CHOICES = [MODELS.one, MODELS.frac, MODELS.heavy, 'lm-nosuch'] as const;

export interface AbstractEvent {
  slot: number;
  kind: TimeKind;
  frac: number;
  model: number;
  inputTokens: number;
  outputTokens: number;
  offsetSpelling: boolean;
  requestId: boolean;
  reservationId: boolean;
  metadata: null | { app: string; n: number; tags?: string[] };
}

export type Mutation = 'inputTokens' | 'outputTokens' | 'metadata' | 'requestId' | 'occurredAt' | 'model' | 'subscriber';

export type Op =
  | { op: 'new'; ev: AbstractEvent }
  /** an identical repeat of an earlier event, possibly spelled differently (offset, key order) */
  | { op: 'dup'; ref: number; respell: boolean }
  /** the eventId of an earlier event with another body */
  | { op: 'conflict'; ref: number; mutation: Mutation; delta: number };

export interface StreamSpec {
  ops: Op[];
  /** sort keys that shuffle the flat event list before it is cut into jobs */
  order: number[];
  /** job sizes (the last job takes the rest) */
  sizes: number[];
  /** per job: through the queue or through POST /v1/usage-events */
  viaHttp: boolean[];
}

const kindArb: fc.Arbitrary<TimeKind> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<TimeKind>('member') },
  { weight: 4, arbitrary: fc.constant<TimeKind>('late') },
  { weight: 1, arbitrary: fc.constant<TimeKind>('before') },
  { weight: 1, arbitrary: fc.constant<TimeKind>('after') },
  { weight: 1, arbitrary: fc.constant<TimeKind>('future') },
  { weight: 1, arbitrary: fc.constant<TimeKind>('tooOld') },
  { weight: 1, arbitrary: fc.constant<TimeKind>('nearFuture') },
  { weight: 3, arbitrary: fc.constant<TimeKind>('edge') },
);

export const abstractEventArb = (slots: number): fc.Arbitrary<AbstractEvent> =>
  fc.record({
    slot: fc.nat({ max: slots - 1 }),
    kind: kindArb,
    frac: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    model: fc.oneof({ weight: 8, arbitrary: fc.nat({ max: 2 }) }, { weight: 1, arbitrary: fc.constant(3) }),
    inputTokens: fc.oneof(
      { weight: 4, arbitrary: fc.nat({ max: 6000 }) },
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.nat({ max: 9 }) },
    ),
    outputTokens: fc.oneof(
      { weight: 4, arbitrary: fc.nat({ max: 2500 }) },
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.nat({ max: 9 }) },
    ),
    offsetSpelling: fc.boolean(),
    requestId: fc.boolean(),
    reservationId: fc.boolean(),
    metadata: fc.option(
      fc.record(
        {
          app: fc.constantFrom('chat', 'code', 'img'),
          n: fc.nat({ max: 5 }),
          tags: fc.option(fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }), { nil: undefined }),
        },
        { requiredKeys: ['app', 'n'] },
      ),
      { nil: null },
    ),
  });

const mutationArb: fc.Arbitrary<Mutation> = fc.constantFrom('inputTokens', 'outputTokens', 'metadata', 'requestId', 'occurredAt', 'model', 'subscriber');

export const opArb = (slots: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 10, arbitrary: abstractEventArb(slots).map((ev): Op => ({ op: 'new', ev })) },
    { weight: 2, arbitrary: fc.record({ ref: fc.nat(), respell: fc.boolean() }).map((r): Op => ({ op: 'dup', ...r })) },
    {
      weight: 2,
      arbitrary: fc.record({ ref: fc.nat(), mutation: mutationArb, delta: fc.integer({ min: 1, max: 5000 }) }).map((r): Op => ({ op: 'conflict', ...r })),
    },
  );

export const streamArb = (slots: number, maxOps = 60): fc.Arbitrary<StreamSpec> =>
  fc.record({
    // fast-check's default size would keep streams at ~10 events; 'medium' goes up to maxOps
    ops: fc.array(opArb(slots), { minLength: 1, maxLength: maxOps, size: 'medium' }),
    order: fc.array(fc.nat({ max: 1_000_000 }), { maxLength: maxOps, size: 'max' }),
    sizes: fc.array(fc.integer({ min: 1, max: 25 }), { maxLength: 8 }),
    viaHttp: fc.array(fc.boolean(), { maxLength: 10 }),
  });

// ---------------------------------------------------------------------------------------------

/** `2026-11-03T08:15:00.123+08:00` for the same instant as `new Date(ms).toISOString()`. */
export function withOffset(ms: number): string {
  const local = new Date(ms + 8 * 3_600_000).toISOString().slice(0, 23);
  return `${local}${TZ_OFFSET}`;
}

function pick(ranges: [number, number][], frac: number): number | null {
  const total = ranges.reduce((s, [lo, hi]) => s + (hi - lo), 0);
  if (total <= 0) return null;
  let x = Math.floor(frac * total);
  for (const [lo, hi] of ranges) {
    if (x < hi - lo) return lo + x;
    x -= hi - lo;
  }
  return ranges[ranges.length - 1][1] - 1;
}

export function instantFor(run: RunWorld, ev: Pick<AbstractEvent, 'slot' | 'kind' | 'frac'>): number {
  const now = run.now.getTime();
  const slot = run.slots[ev.slot % run.slots.length];
  switch (ev.kind) {
    case 'future':
      return now + 20 * 60_000 + Math.floor(ev.frac * 2 * 3_600_000);
    case 'nearFuture':
      return now + Math.floor(ev.frac * 60_000);
    case 'tooOld':
      return now - 91 * DAY - Math.floor(ev.frac * 30 * DAY);
    case 'edge': {
      // on a boundary, or 1 ms either side of it
      const i = Math.floor(ev.frac * slot.edges.length * 3);
      return slot.edges.length === 0 ? now : slot.edges[Math.floor(i / 3)] + ((i % 3) - 1);
    }
    default:
      return pick(slot.ranges[ev.kind], ev.frac) ?? pick(slot.ranges.member, ev.frac) ?? now;
  }
}

function reverseKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).reverse()) as T;
}

function concrete(run: RunWorld, ev: AbstractEvent, eventId: string): RawEvent {
  const at = instantFor(run, ev);
  const e: RawEvent = {
    eventId,
    subscriberId: run.slots[ev.slot % run.slots.length].subscriberId,
    model: MODEL_CHOICES[ev.model % MODEL_CHOICES.length],
    inputTokens: ev.inputTokens,
    outputTokens: ev.outputTokens,
    occurredAt: ev.offsetSpelling ? withOffset(at) : new Date(at).toISOString(),
  };
  if (ev.requestId) e.requestId = `req-${eventId}`;
  if (ev.reservationId) e.reservationId = `res-${eventId}`;
  if (ev.metadata) e.metadata = Object.fromEntries(Object.entries(ev.metadata).filter(([, v]) => v !== undefined));
  return e;
}

/** The same event, spelled differently: other offset, reversed key order, metadata keys reversed. */
export function respell(e: RawEvent): RawEvent {
  const at = Date.parse(e.occurredAt);
  const copy: RawEvent = { ...e, occurredAt: e.occurredAt.endsWith('Z') ? withOffset(at) : new Date(at).toISOString() };
  if (copy.metadata) copy.metadata = reverseKeys(copy.metadata);
  return reverseKeys(copy as unknown as Record<string, unknown>) as unknown as RawEvent;
}

/** Another body under the same eventId. */
export function mutate(run: RunWorld, e: RawEvent, mutation: Mutation, delta: number, forceLater = false): RawEvent {
  const m: RawEvent = { ...e, ...(e.metadata ? { metadata: { ...e.metadata } } : {}) };
  switch (mutation) {
    case 'inputTokens':
      m.inputTokens += delta;
      break;
    case 'outputTokens':
      m.outputTokens += delta;
      break;
    case 'metadata':
      m.metadata = { ...(m.metadata ?? {}), rev: delta };
      break;
    case 'requestId':
      m.requestId = `${m.requestId ?? 'req'}-v${delta}`;
      break;
    case 'occurredAt':
      break; // shifted below
    case 'model':
      m.model = MODEL_CHOICES[(MODEL_CHOICES.indexOf(m.model as (typeof MODEL_CHOICES)[number]) + 1 + (delta % 3)) % MODEL_CHOICES.length];
      break;
    case 'subscriber': {
      const i = run.slots.findIndex((s) => s.subscriberId === m.subscriberId);
      m.subscriberId = run.slots[(i + 1 + (delta % (run.slots.length - 1))) % run.slots.length].subscriberId;
      break;
    }
  }
  if (mutation === 'occurredAt' || forceLater) {
    const shift = mutation === 'occurredAt' && !forceLater && delta % 2 === 0 ? -delta : delta;
    m.occurredAt = new Date(Date.parse(e.occurredAt) + shift).toISOString();
  }
  return m;
}

/** Flat list of events in creation order (refs are resolved against earlier events). */
export function materialize(run: RunWorld, ops: Op[]): RawEvent[] {
  const out: RawEvent[] = [];
  let seq = 0;
  for (const op of ops) {
    if (op.op === 'new' || out.length === 0) {
      const ev = op.op === 'new' ? op.ev : null;
      if (!ev) continue;
      out.push(concrete(run, ev, `${run.tag}-e${++seq}`));
    } else if (op.op === 'dup') {
      const base = out[op.ref % out.length];
      out.push(op.respell ? respell(base) : { ...base });
    } else {
      const base = out[op.ref % out.length];
      out.push(mutate(run, base, op.mutation, op.delta));
    }
  }
  return out;
}

/** Shuffles by `order` keys, cuts into jobs by `sizes`. */
export function toJobs(events: RawEvent[], order: number[], sizes: number[]): RawEvent[][] {
  const shuffled = events
    .map((e, i) => ({ e, k: order[i] ?? i, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.e);
  const jobs: RawEvent[][] = [];
  let i = 0;
  for (const size of sizes) {
    if (i >= shuffled.length) break;
    jobs.push(shuffled.slice(i, i + size));
    i += size;
  }
  if (i < shuffled.length) jobs.push(shuffled.slice(i));
  return jobs;
}

// ---------------------------------------------------------------------------------------------
// Streams for concurrent consumers: the final balances must not depend on the order of jobs.

/** mulberry32 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `jobCount` jobs of `size` events. Whatever order the jobs run in, every eventId has the same
 * owner: other bodies of an id appear only in the job of its first body and strictly later in
 * time (so they sort after it), and repeats in other jobs are identical. Everything else (late
 * events, unknown subscribers and models, the future, too old, in-job shuffles) is random.
 */
export function orderFreeStream(run: RunWorld, seed: number, jobCount: number, size: number): RawEvent[][] {
  const r = rng(seed);
  const int = (max: number) => Math.floor(r() * max);
  const sample = fc.sample(abstractEventArb(run.slots.length), { seed, numRuns: jobCount * size });
  const originals: RawEvent[] = [];
  let seq = 0;
  let s = 0;
  const jobs: RawEvent[][] = [];
  for (let j = 0; j < jobCount; j++) {
    const job: RawEvent[] = [];
    const mine: RawEvent[] = [];
    while (job.length < size) {
      const x = r();
      if (x < 0.12 && originals.length > 0) {
        const base = originals[int(originals.length)];
        job.push(r() < 0.5 ? respell(base) : { ...base });
      } else if (x < 0.2 && mine.length > 0) {
        const base = mine[int(mine.length)];
        const mutations: Mutation[] = ['inputTokens', 'outputTokens', 'metadata', 'requestId', 'model', 'subscriber', 'occurredAt'];
        job.push(mutate(run, base, mutations[int(mutations.length)], 1 + int(900), true));
      } else {
        const e = concrete(run, sample[s++ % sample.length], `${run.tag}-e${++seq}`);
        job.push(e);
        mine.push(e);
        originals.push(e);
      }
    }
    // shuffle the job
    for (let i = job.length - 1; i > 0; i--) {
      const k = int(i + 1);
      [job[i], job[k]] = [job[k], job[i]];
    }
    jobs.push(job);
  }
  return jobs;
}
