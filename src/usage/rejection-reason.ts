/** Reason codes of rejected usage, in the order they are checked: the first that applies wins. */
export const REJECTION_REASONS = [
  'DUPLICATE_CONFLICT',
  'FUTURE_EVENT',
  'TOO_OLD',
  'UNKNOWN_SUBSCRIBER',
  'UNKNOWN_MODEL',
  'MODEL_NOT_IN_PLAN',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** How far ahead of the worker's clock an event may claim to have happened. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
