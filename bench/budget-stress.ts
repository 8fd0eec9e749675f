/**
 * The budget stress shared by `npm run bench:budget` and its smaller Jest version: concurrent
 * clients each loop "authorize an estimate (reserving it, or not) → send a usage event whose
 * actual credits differ from the estimate → repeat" until their first refusal. The caller supplies
 * the two HTTP calls; this module drives the loops and does the accounting.
 */

export interface StressMember {
  subscriberId: string;
  capCredits: number | null;
}

export interface StressSettings {
  clients: number;
  members: StressMember[];
  reserve: boolean;
  /** Estimate of one call (credits). */
  estimate: number;
  /** Largest deviation of the actual credits from the estimate, in percent (e.g. 20). */
  spreadPercent: number;
  /** true: actual ∈ [estimate − spread, estimate + spread]; false: never above the estimate. */
  allowAbove: boolean;
  model: string;
}

export interface StressIO {
  authorize(body: { subscriberId: string; model: string; estimatedCredits: number; reserve?: boolean }): Promise<{ allowed: boolean; reservationId?: string }>;
  sendUsage(event: {
    eventId: string;
    subscriberId: string;
    model: string;
    inputTokens: number;
    outputTokens: number;
    occurredAt: string;
    reservationId?: string;
  }): Promise<void>;
}

export interface CallRecord {
  client: number;
  subscriberId: string;
  estimate: number;
  actual: number;
}

/** Deterministic deviation in whole percent for call `iter` of `client`: a spread of ±p, or −p..0. */
export function deviationPercent(client: number, iter: number, p: number, allowAbove: boolean): number {
  const span = allowAbove ? 2 * p + 1 : p + 1;
  const h = (client * 7919 + iter * 104729 + 12345) % span;
  return allowAbove ? h - p : -h;
}

export async function runBudgetStress(s: StressSettings, io: StressIO, runId: string): Promise<CallRecord[]> {
  const calls: CallRecord[] = [];
  const client = async (c: number) => {
    const subscriberId = s.members[c % s.members.length].subscriberId;
    for (let iter = 0; ; iter++) {
      const answer = await io.authorize({ subscriberId, model: s.model, estimatedCredits: s.estimate, ...(s.reserve ? { reserve: true } : {}) });
      if (!answer.allowed) return;
      const actual = s.estimate + Math.trunc((s.estimate * deviationPercent(c, iter, s.spreadPercent, s.allowAbove)) / 100);
      calls.push({ client: c, subscriberId, estimate: s.estimate, actual });
      await io.sendUsage({
        eventId: `${runId}-${c}-${iter}`,
        subscriberId,
        model: s.model,
        inputTokens: actual,
        outputTokens: 0,
        occurredAt: new Date().toISOString(),
        ...(answer.reservationId ? { reservationId: answer.reservationId } : {}),
      });
    }
  };
  await Promise.all(Array.from({ length: s.clients }, (_, c) => client(c)));
  return calls;
}

export interface Overrun {
  limit: number;
  charged: number;
  overCredits: number;
  overPercent: number;
  /** Most the overrun may be (SPEC §15): the positive estimate errors of the calls that can be in flight at once. */
  bound: number;
}

/**
 * The §15 bound for one limit: after the last hold that fitted, only the calls then in flight can
 * still be charged, at most one per client drawing on that limit, each beyond its hold by its own
 * error. So the overrun is at most clients × the largest positive error; 0 when no call exceeds
 * its estimate.
 */
export function overrun(limit: number, charged: number, calls: CallRecord[], clientsOnLimit: number): Overrun {
  const maxError = Math.max(0, ...calls.map((c) => c.actual - c.estimate));
  const overCredits = Math.max(0, charged - limit);
  return { limit, charged, overCredits, overPercent: limit > 0 ? Math.round((overCredits / limit) * 10000) / 100 : 0, bound: clientsOnLimit * maxError };
}
