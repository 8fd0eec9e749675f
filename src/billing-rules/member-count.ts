/** What a plan says about how many lines share its pool. */
export interface MemberTerms {
  code: string;
  kind: 'personal' | 'family' | 'business';
  maxMembers: number;
}

/**
 * Whether a subscription on `plan` may have `members` lines: a personal plan exactly one, a family
 * or business plan one up to `maxMembers`. Answers why not, or null. Creating a subscription,
 * adding a line and changing plan all ask this one rule; each says it in its own status (a bad
 * body at creation, a state conflict later).
 */
export function memberCountRefusal(plan: MemberTerms, members: number): string | null {
  if (plan.kind === 'personal') return members === 1 ? null : `A personal plan (${plan.code}) has exactly one member; the subscription would have ${members}`;
  if (members < 1) return `Plan ${plan.code} needs at least one member`;
  return members <= plan.maxMembers ? null : `Plan ${plan.code} allows at most ${plan.maxMembers} members; the subscription would have ${members}`;
}
