import { JobsOptions } from 'bullmq';

export const DELIVER_JOB = 'deliver';
export const SWEEP_JOB = 'sweep-webhook-deliveries';

/** A delivery's job: one per generation (a replay starts a new one), so a repeated enqueue is a no-op. */
export interface DeliveryRef {
  id: string;
  generation: number;
}

/**
 * Exponential: 1 s, 2 s, 4 s … between attempts, about two minutes in all for 8 attempts.
 * Mutable only so that an integration test can shorten it; production never changes it.
 */
export const deliveryRetryPolicy = { attempts: 8, backoffDelayMs: 1000 };

export function deliveryJobOptions(ref: DeliveryRef): JobsOptions {
  return {
    jobId: `${ref.id}.${ref.generation}`,
    attempts: deliveryRetryPolicy.attempts,
    backoff: { type: 'exponential', delay: deliveryRetryPolicy.backoffDelayMs },
  };
}

export function parseDeliveryRef(data: unknown): DeliveryRef | null {
  const d = data as Partial<DeliveryRef> | null;
  return d && typeof d.id === 'string' && Number.isSafeInteger(d.generation) ? { id: d.id, generation: d.generation! } : null;
}
