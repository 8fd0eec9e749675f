import { ChildProcess } from 'node:child_process';
import { TestApp } from './test-app';
import { EventInput, event } from './usage';
import { spawnWorker } from './worker-process';

/**
 * A gateway's view of ingestion under faults: batches are posted with bounded concurrency; a
 * 202 makes its events accepted; anything else (429, 503, 5xx, a reset connection, no answer
 * within the request timeout) leaves the batch to be sent again with the same eventIds.
 */
export class IngestLoad {
  readonly accepted = new Set<string>();
  readonly sent = new Set<string>();
  private pending: EventInput[][] = [];
  statuses: Record<string, number> = {};

  constructor(
    private readonly baseUrl: () => string,
    private readonly key: string,
  ) {}

  /** `count` batches of `size` events spread over `subscribers`, tokens 1..9 in, 0..4 out (weights 1/1). */
  add(count: number, size: number, subscribers: string[], model: string): void {
    for (let b = 0; b < count; b++) {
      this.pending.push(Array.from({ length: size }, (_, i) => event(subscribers[(b * size + i) % subscribers.length], model, 1 + (i % 9), i % 5)));
    }
  }

  get acceptedCount(): number {
    return this.accepted.size;
  }

  /** Sends every pending batch once; the ones not accepted stay pending. */
  async sendPending(concurrency: number): Promise<void> {
    const queue = this.pending;
    this.pending = [];
    const failed: EventInput[][] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let batch = queue.shift(); batch; batch = queue.shift()) if (!(await this.post(batch))) failed.push(batch);
      }),
    );
    this.pending.push(...failed);
  }

  /** Sends again until everything is accepted, as a gateway would (bounded: `rounds`). */
  async sendUntilAccepted(concurrency: number, rounds = 50): Promise<void> {
    for (let r = 0; r < rounds && this.pending.length > 0; r++) {
      await this.sendPending(concurrency);
      if (this.pending.length > 0) await new Promise((res) => setTimeout(res, 200));
    }
    if (this.pending.length > 0) throw new Error(`${this.pending.length} batches never accepted: ${JSON.stringify(this.statuses)}`);
  }

  private async post(events: EventInput[]): Promise<boolean> {
    for (const e of events) this.sent.add(e.eventId);
    let status: string;
    try {
      const res = await fetch(`${this.baseUrl()}/v1/usage-events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}` },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      status = String(res.status);
    } catch {
      status = 'no answer';
    }
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    if (status !== '202') return false;
    for (const e of events) this.accepted.add(e.eventId);
    return true;
  }
}

/** An API process of its own on the test app's database and Redis prefix, on `port`. */
export function spawnApi(t: TestApp, port: number, env: Record<string, string> = {}): ChildProcess {
  return spawnWorker(t, { APP_ROLE: 'api', PORT: String(port), ...env });
}

/** Waits until something answers HTTP on the port (bounded). */
export async function waitForHttp(baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nothing answers at ${baseUrl}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Waits (bounded) until `condition` holds, polling. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
