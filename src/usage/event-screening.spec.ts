import { membershipAt, screenByClock } from './event-screening';

const at = (iso: string) => new Date(iso);

describe('screenByClock', () => {
  const now = at('2026-11-10T00:00:00Z');
  it('accepts an event up to 5 minutes ahead of the clock, refuses beyond', () => {
    expect(screenByClock(at('2026-11-10T00:05:00Z'), now, 90)).toBeNull();
    expect(screenByClock(at('2026-11-10T00:05:00.001Z'), now, 90)).toBe('FUTURE_EVENT');
  });
  it('refuses events older than the retention window', () => {
    // 90 days before 2026-11-10 is 2026-08-12
    expect(screenByClock(at('2026-08-12T00:00:00Z'), now, 90)).toBeNull();
    expect(screenByClock(at('2026-08-11T23:59:59.999Z'), now, 90)).toBe('TOO_OLD');
  });
});

describe('membershipAt', () => {
  const spans = [
    { subscriptionId: 'old', addedAt: at('2026-01-01T00:00:00Z'), removedAt: at('2026-06-01T00:00:00Z') },
    { subscriptionId: 'new', addedAt: at('2026-06-01T00:00:00Z'), removedAt: null },
  ];
  it('finds the membership in force at the instant, with [added, removed) bounds', () => {
    expect(membershipAt(spans, at('2026-05-31T23:59:59.999Z'))).toBe('old');
    expect(membershipAt(spans, at('2026-06-01T00:00:00Z'))).toBe('new');
  });
  it('is TOO_OLD before the first membership began', () => {
    expect(membershipAt(spans, at('2025-12-31T00:00:00Z'))).toBe('TOO_OLD');
  });
  it('is UNKNOWN_SUBSCRIBER in a gap after a membership ended, or with no membership', () => {
    const gap = [{ subscriptionId: 'a', addedAt: at('2026-01-01T00:00:00Z'), removedAt: at('2026-02-01T00:00:00Z') }];
    expect(membershipAt(gap, at('2026-03-01T00:00:00Z'))).toBe('UNKNOWN_SUBSCRIBER');
    expect(membershipAt([], at('2026-03-01T00:00:00Z'))).toBe('UNKNOWN_SUBSCRIBER');
  });
});
