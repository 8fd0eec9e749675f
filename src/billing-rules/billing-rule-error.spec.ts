import { BillingRuleError } from './billing-rule-error';

describe('BillingRuleError', () => {
  it('is an Error carrying a machine-readable code', () => {
    const error = new BillingRuleError('NEGATIVE_VALUE', 'inputTokens must not be negative');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(BillingRuleError);
    expect(error.code).toBe('NEGATIVE_VALUE');
    expect(error.name).toBe('BillingRuleError');
    expect(error.message).toBe('inputTokens must not be negative');
    expect(error.stack).toContain('BillingRuleError');
  });
});
