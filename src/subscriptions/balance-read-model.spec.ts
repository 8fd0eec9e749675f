import { BalanceSql, spendable } from './balance-read-model';

describe('the balance read model', () => {
  it('spends what the usable buckets hold minus what reservations hold, never below zero', () => {
    expect(spendable('1000', '250')).toEqual({ usableCredits: 1000, heldCredits: 250, remainingCredits: 750 });
    expect(spendable('100', '250')).toEqual({ usableCredits: 100, heldCredits: 250, remainingCredits: 0 });
    expect(spendable(null, null)).toEqual({ usableCredits: 0, heldCredits: 0, remainingCredits: 0 });
  });

  it('saturates an unbounded held sum instead of failing', () => {
    expect(spendable('10', '1e30').heldCredits).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads usable buckets and holds through the one SQL definition of each', () => {
    expect(BalanceSql.usableCredits('s.id', '$3')).toContain('FROM usable_buckets($3) b WHERE b.subscription_id = s.id');
    expect(BalanceSql.heldCredits('s.id', '$3', 'm.subscriber_id')).toContain(
      'FROM held_credits($3) h WHERE h.subscription_id = s.id AND h.subscriber_id = m.subscriber_id',
    );
  });
});
