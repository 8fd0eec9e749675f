import { Lifecycle } from '../common/lifecycle/lifecycle';
import { CycleStatus } from './entities/cycle.entity';

/** A cycle opens, closes once (at its end, or at a termination), and is rated once by a bill run. */
export const CYCLE_LIFECYCLE = new Lifecycle<CycleStatus>('cycle', {
  open: ['closed'],
  closed: ['rated'],
  rated: [],
});
