import { QueryFailedError } from 'typeorm';
import { BillingRuleError } from '../../billing-rules/billing-rule-error';
import { ProblemFilter } from './problem.filter';

const pgError = (code: string, message = 'pg') => Object.assign(new Error(message), { code });

describe('errors that are not bugs never answer 500', () => {
  const filter = new ProblemFilter();

  it('a billing rule refusing its figures is a 400 with a non-empty errors list', () => {
    const p = filter.toProblem(new BillingRuleError('RESULT_OVERFLOW', 'overageCapCredits exceeds Number.MAX_SAFE_INTEGER'));
    expect([p.status, p.code, p.errors?.length]).toEqual([400, 'RESULT_OVERFLOW', 1]);
  });

  it('a lost or refused database connection is a 503', () => {
    const cases = [
      pgError('55000', 'database "x" is not currently accepting connections'),
      new QueryFailedError('SELECT 1', [], pgError('57P01', 'terminating connection due to administrator command')),
      new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')),
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      // what pg says of a connection the server already dropped, when a query is sent on it
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
    ];
    for (const e of cases) expect(filter.toProblem(e).status).toBe(503);
  });

  it('an unknown failure is still a 500', () => {
    expect(filter.toProblem(new TypeError('x is undefined')).status).toBe(500);
    expect(filter.toProblem(new QueryFailedError('SELECT', [], pgError('42601'))).status).toBe(500);
  });
});
