import { topupExpiry } from './topup-expiry';

describe('topupExpiry', () => {
  const bought = new Date('2026-11-10T03:04:05.678Z');
  const cycleEnd = new Date('2026-11-30T16:00:00.000Z');

  it('a cycle pack expires at the end of the cycle it was bought in', () => {
    expect(topupExpiry('cycle', null, cycleEnd, bought)).toEqual(cycleEnd);
  });

  it('a days pack expires N × 24 h after purchase, to the millisecond, even past the cycle end', () => {
    expect(topupExpiry('days', 1, cycleEnd, bought)).toEqual(new Date('2026-11-11T03:04:05.678Z'));
    expect(topupExpiry('days', 30, cycleEnd, bought)).toEqual(new Date('2026-12-10T03:04:05.678Z'));
  });

  it.each([null, 0, -1, 1.5])('refuses a days pack with days = %p', (days) => {
    expect(() => topupExpiry('days', days, cycleEnd, bought)).toThrow(RangeError);
  });
});
