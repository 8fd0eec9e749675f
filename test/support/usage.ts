import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QUEUES } from '../../src/queue/queue-names';
import { TestApp } from './test-app';

/** Waits until the usage queue has nothing waiting, delayed or active. */
export async function drainUsageQueue(t: TestApp, timeoutMs = 30000): Promise<void> {
  const queue = t.app.get<Queue>(getQueueToken(QUEUES.usageEvents));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(c).every((n) => n === 0)) {
      const failed = await queue.getFailed(0, 5);
      if (failed.length > 0) throw new Error(`usage jobs failed: ${failed.map((j) => j.failedReason).join(' | ')}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`usage queue not drained: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface EventInput {
  eventId: string;
  subscriberId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  occurredAt: string;
  requestId?: string;
  reservationId?: string;
  metadata?: Record<string, unknown>;
}

let seq = 0;
export function event(subscriberId: string, model: string, inputTokens: number, outputTokens: number, occurredAt = new Date()): EventInput {
  seq += 1;
  return { eventId: `ev-${process.pid}-${seq}`, subscriberId, model, inputTokens, outputTokens, occurredAt: occurredAt.toISOString() };
}
