import { ConflictProblem } from '../common/http/domain.exception';
import { ChargeStatus } from './entities/charge.entity';

export type ChargeAction = 'export' | 'accept' | 'reject' | 'requeue';

/**
 * The one table of settlement steps of a charge: for each action, the states it may start from and
 * the state it leads to. Set-wise SQL takes its `WHERE status = ANY(...)` from `sourcesOf`, single
 * steps go through `nextChargeStatus`, so no other code decides what may follow what.
 */
const TRANSITIONS: Record<ChargeAction, Partial<Record<ChargeStatus, ChargeStatus>>> = {
  export: { PENDING: 'EXPORTED' },
  accept: { EXPORTED: 'ACCEPTED' },
  reject: { EXPORTED: 'REJECTED' },
  requeue: { REJECTED: 'PENDING' },
};

export function nextChargeStatus(current: ChargeStatus, action: ChargeAction): ChargeStatus {
  const next = TRANSITIONS[action][current];
  if (!next) throw new ConflictProblem('ILLEGAL_TRANSITION', `Cannot ${action} a charge that is ${current}`);
  return next;
}

/** The states `action` may start from, for set-wise updates. */
export function sourcesOf(action: ChargeAction): ChargeStatus[] {
  return Object.keys(TRANSITIONS[action]) as ChargeStatus[];
}

/** The single target state of `action`. */
export function targetOf(action: ChargeAction): ChargeStatus {
  const targets = new Set(Object.values(TRANSITIONS[action]));
  if (targets.size !== 1) throw new Error(`action ${action} has no single target state`);
  return [...targets][0]!;
}
