/** Reason codes of rejected usage, in the order they are checked: the first that applies wins. */
export const REJECTION_REASONS = ['DUPLICATE_CONFLICT', 'FUTURE_EVENT', 'TOO_OLD', 'UNKNOWN_SUBSCRIBER', 'UNKNOWN_MODEL', 'MODEL_NOT_IN_PLAN'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * An event the worker could not record as sent: it broke the event rules (a job added straight
 * to the queue skips the API's 400), or PostgreSQL or the billing rules refused it. Checked
 * before every other reason; never retried, since the stored body is what cannot be recorded.
 */
export const UNRECORDABLE = 'UNRECORDABLE';
/** Every reason a rejected-usage row may carry. */
export const REJECTED_USAGE_REASONS = [UNRECORDABLE, ...REJECTION_REASONS] as const;
export type RejectedUsageReason = (typeof REJECTED_USAGE_REASONS)[number];

/** How far ahead of the worker's clock an event may claim to have happened. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
