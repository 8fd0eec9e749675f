import { memberCountRefusal } from './member-count';

const personal = { code: 'p', kind: 'personal' as const, maxMembers: 1 };
const family = { code: 'f', kind: 'family' as const, maxMembers: 5 };

describe('memberCountRefusal: how many lines share a pool', () => {
  it('gives a personal plan exactly one member', () => {
    expect(memberCountRefusal(personal, 1)).toBeNull();
    expect(memberCountRefusal(personal, 2)).toMatch(/exactly one member; the subscription would have 2/);
    expect(memberCountRefusal(personal, 0)).toMatch(/exactly one member/);
  });

  it('gives a family or business plan one up to maxMembers', () => {
    expect(memberCountRefusal(family, 1)).toBeNull();
    expect(memberCountRefusal(family, 5)).toBeNull();
    expect(memberCountRefusal(family, 6)).toMatch(/at most 5 members; the subscription would have 6/);
    expect(memberCountRefusal(family, 0)).toMatch(/at least one member/);
  });
});
