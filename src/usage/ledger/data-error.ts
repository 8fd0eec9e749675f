import { QueryFailedError } from 'typeorm';
import { BillingRuleError } from '../../billing-rules/billing-rule-error';

/**
 * SQLSTATE classes that a row's own values cause: 22 data exception (a NUL in text, an
 * unpaired surrogate in jsonb, a number out of range), 23 integrity constraint violation,
 * 54 program limit exceeded. Anything else (a lost connection, a server shutting down,
 * a deadlock, a lock timeout) is the moment's fault, and the same job will succeed later.
 */
const DATA_CLASSES = new Set(['22', '23', '54']);

/** Whether a batch failed because of what some event in it holds, so retrying it unchanged is futile. */
export function isDataError(error: unknown): boolean {
  if (error instanceof BillingRuleError) return true;
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && DATA_CLASSES.has(code.slice(0, 2));
}
