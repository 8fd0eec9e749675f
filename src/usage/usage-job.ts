/**
 * Job name and payload on the `usage-events` queue: `{ events: UsageEvent[] }`, 1..5,000 events.
 * Producers may add jobs straight to the queue; the worker checks each event as the API does and
 * sets aside what breaks the rules (UNRECORDABLE) without failing the rest of the job.
 */
export const USAGE_BATCH_JOB = 'usage-batch';
