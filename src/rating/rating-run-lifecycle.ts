import { Lifecycle } from '../common/lifecycle/lifecycle';
import { RatingRunStatus } from './entities/rating-run.entity';

/** Legal steps of a rating run; a redelivered job that finds its run already past a step skips it. */
export const RATING_RUN_LIFECYCLE = new Lifecycle<RatingRunStatus>('rating run', {
  queued: ['running', 'completed', 'failed'],
  running: ['completed', 'failed'],
  completed: [],
  failed: [],
});
