import { ConflictProblem } from '../common/http/domain.exception';
import { RatingRunStatus } from './entities/rating-run.entity';

/** Legal steps of a rating run; a redelivered job that finds its run already past a step skips it. */
const TRANSITIONS: Record<RatingRunStatus, RatingRunStatus[]> = {
  queued: ['running', 'failed'],
  running: ['completed', 'failed'],
  completed: [],
  failed: [],
};

export function canMove(from: RatingRunStatus, to: RatingRunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertMove(from: RatingRunStatus, to: RatingRunStatus): void {
  if (!canMove(from, to)) throw new ConflictProblem('ILLEGAL_TRANSITION', `A rating run that is ${from} cannot become ${to}`);
}
