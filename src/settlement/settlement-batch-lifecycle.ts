import { Lifecycle } from '../common/lifecycle/lifecycle';
import { BatchStatus } from './entities/settlement-batch.entity';

/** A batch is prepared (charges claimed), made ready (file written and hashed), then acknowledged once. */
export const SETTLEMENT_BATCH_LIFECYCLE = new Lifecycle<BatchStatus>('settlement batch', {
  preparing: ['ready'],
  ready: ['acknowledged'],
  acknowledged: [],
});
