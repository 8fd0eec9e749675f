import { QueryFailedError } from 'typeorm';
import { BillingRuleError } from '../../billing-rules/billing-rule-error';
import { isDataError } from './data-error';

const pgError = (code?: string) => new QueryFailedError('INSERT', [], Object.assign(new Error('pg'), code ? { code } : {}));

describe('which batch failures come from the events themselves', () => {
  it('blames the data for data exceptions, constraint violations, limits and billing-rule refusals', () => {
    for (const code of ['22P05', '22021', '22003', '23514', '54000']) expect(isDataError(pgError(code))).toBe(true);
    expect(isDataError(new BillingRuleError('RESULT_OVERFLOW', 'too big'))).toBe(true);
  });

  it('blames the moment for lost connections, shutdowns, deadlocks and anything unknown', () => {
    for (const code of ['57P01', '08006', '40P01', '40001', '55P03', '53300', 'XX000', undefined]) expect(isDataError(pgError(code))).toBe(false);
    expect(isDataError(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isDataError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});
