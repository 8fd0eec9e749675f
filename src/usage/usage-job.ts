import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '../common/http/validation-pipe';
import { UsageBatchDto } from './dto/usage-event.dto';

/** Job name and payload on the `usage-events` queue: `{ events: UsageEvent[] }`, 1..1000 events. */
export const USAGE_BATCH_JOB = 'usage-batch';

export class InvalidUsageBatch extends Error {}

/** Producers may add jobs straight to the queue, so the worker validates exactly as the API does. */
export function parseUsageBatch(data: unknown): UsageBatchDto {
  const batch = plainToInstance(UsageBatchDto, data, { enableImplicitConversion: false });
  const errors = validateSync(batch as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const list = flattenValidationErrors(errors).slice(0, 20).map((e) => `${e.path}: ${e.message}`);
    throw new InvalidUsageBatch(`invalid usage batch: ${list.join('; ')}`);
  }
  return batch;
}
