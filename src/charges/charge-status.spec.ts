import { DomainException } from '../common/http/domain.exception';
import { nextChargeStatus, sourcesOf, targetOf } from './charge-status';

describe('charge settlement transitions', () => {
  it.each([
    ['PENDING', 'export', 'EXPORTED'],
    ['EXPORTED', 'accept', 'ACCEPTED'],
    ['EXPORTED', 'reject', 'REJECTED'],
    ['REJECTED', 'requeue', 'PENDING'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextChargeStatus(from, action)).toBe(to);
  });

  it.each([
    ['PENDING', 'requeue'],
    ['EXPORTED', 'requeue'],
    ['ACCEPTED', 'requeue'],
    ['ACCEPTED', 'reject'],
    ['REJECTED', 'accept'],
    ['EXPORTED', 'export'],
  ] as const)('%s cannot %s (409)', (from, action) => {
    expect(() => nextChargeStatus(from, action)).toThrow(DomainException);
    try {
      nextChargeStatus(from, action);
    } catch (e) {
      expect((e as DomainException).status).toBe(409);
    }
  });

  it('exposes sources and targets for set-wise updates', () => {
    expect(sourcesOf('export')).toEqual(['PENDING']);
    expect(targetOf('accept')).toBe('ACCEPTED');
  });
});
