import { planAllowsModel } from './plan-models';

describe('planAllowsModel', () => {
  it('allows exactly the listed models, or every model for "*"', () => {
    expect(planAllowsModel(['a', 'b'], 'b')).toBe(true);
    expect(planAllowsModel(['a'], 'b')).toBe(false);
    expect(planAllowsModel(['*'], 'anything')).toBe(true);
  });
});
