import { AuthorizationDecision, AuthorizationSnapshot, DenialReason, decide, overageRoom } from './authorization-decision';

/**
 * Whether `estimate` credits may be held for this call. The checks of an ordinary authorization run
 * first; a hold must then fit whole within each limit: the member's cap (used + held + estimate),
 * and the pool (free bucket credits, plus on payg the overage room). "Fits whole" rather than
 * "limit not yet reached" is what keeps the overrun of a limit within the estimate errors of the
 * calls in flight, zero when no call costs more than it reserved (SPEC §15). An allowed answer
 * shows the credits left once this hold is placed.
 */
export function decideHold(snapshot: AuthorizationSnapshot | null, model: string, estimate: number): AuthorizationDecision {
  const decision = decide(snapshot, model, estimate);
  if (!decision.allowed || !snapshot) return decision;
  const reason = holdRefusal(snapshot, estimate);
  if (reason) return { allowed: false, reason, remainingCredits: decision.remainingCredits, overageAllowed: decision.overageAllowed };
  return { ...decision, remainingCredits: Math.max(0, decision.remainingCredits - estimate) };
}

/** BigInt throughout: used + held + estimate may pass 2^53 even when each is a safe integer. */
function holdRefusal(s: AuthorizationSnapshot, estimate: number): DenialReason | null {
  const want = BigInt(estimate);
  if (s.monthlyCapCredits !== null && BigInt(s.memberUsedCredits) + BigInt(s.memberHeldCredits) + want > BigInt(s.monthlyCapCredits)) {
    return 'MEMBER_CAP_REACHED';
  }
  const free = BigInt(Math.max(0, s.bucketCredits - s.heldCredits));
  if (free >= want) return null;
  if (s.overageMode === 'block') return 'BALANCE_EXHAUSTED';
  const room = overageRoom(s);
  return room === null || free + BigInt(room) >= want ? null : 'SPENDING_CAP_REACHED';
}
