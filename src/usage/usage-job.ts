import { UsageBatchDto } from './dto/usage-event.dto';
import { checkUsageBatch } from './usage-batch.validation';

/** Job name and payload on the `usage-events` queue: `{ events: UsageEvent[] }`, 1..5,000 events. */
export const USAGE_BATCH_JOB = 'usage-batch';

export class InvalidUsageBatch extends Error {}

/** Producers may add jobs straight to the queue, so the worker validates exactly as the API does. */
export function parseUsageBatch(data: unknown): UsageBatchDto {
  const check = checkUsageBatch(data, 'job');
  if (check.ok) return check.batch;
  const list = check.errors.slice(0, 20).map((e) => `${e.path}: ${e.message}`);
  throw new InvalidUsageBatch(`invalid usage batch: ${list.join('; ')}`);
}
