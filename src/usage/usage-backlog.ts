/** What waits in the usage queue: jobs not yet taken by a worker, and how long the oldest has waited. */
export interface UsageBacklog {
  waitingJobs: number;
  oldestWaitingMs: number;
}

export interface BacklogLimits {
  maxWaitingJobs: number;
  maxWaitAgeMs: number;
}

/** How long a refused producer should wait before sending the same events again. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Why the ingest path must refuse new usage, or null when it may accept. The age bound keeps
 * the queue's delay (what freshness suffers) in check; the job bound keeps Redis memory in check
 * even when jobs come faster than their age grows (a job holds up to USAGE_JOB_MAX_EVENTS events).
 */
export function overloaded(b: UsageBacklog, limits: BacklogLimits): string | null {
  if (b.waitingJobs >= limits.maxWaitingJobs) return `${b.waitingJobs} usage jobs are waiting (bound ${limits.maxWaitingJobs})`;
  if (b.oldestWaitingMs > limits.maxWaitAgeMs) return `the oldest usage job has waited ${b.oldestWaitingMs} ms (bound ${limits.maxWaitAgeMs} ms)`;
  return null;
}
