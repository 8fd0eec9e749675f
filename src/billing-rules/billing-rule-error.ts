/** Machine-readable reason a billing rule refused its input. */
export type BillingRuleErrorCode =
  | 'NOT_AN_INTEGER'
  | 'NEGATIVE_VALUE'
  | 'UNSAFE_INTEGER'
  | 'RESULT_OVERFLOW'
  | 'INVALID_DENOMINATOR'
  | 'INVALID_WEIGHT'
  | 'INVALID_TAX_RATE'
  | 'INVALID_PERCENT'
  | 'INVALID_PRORATION'
  | 'INVALID_DATE'
  | 'INVALID_TIME_ZONE'
  | 'INVALID_PERIOD'
  | 'NOT_A_CYCLE_BOUNDARY'
  | 'INVALID_BUCKET'
  | 'INVALID_OVERAGE_TERMS';

/** The only error type thrown by billing rules for invalid input. */
export class BillingRuleError extends Error {
  override readonly name = 'BillingRuleError';

  constructor(
    readonly code: BillingRuleErrorCode,
    message: string,
  ) {
    super(message);
  }
}
