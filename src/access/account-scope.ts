import { NotFoundProblem } from '../common/http/domain.exception';
import { Principal } from './role';

/**
 * A key scoped to one account sees only that account: any other account's data is reported as
 * not found, so a partner cannot even learn that it exists.
 */
export function assertAccountVisible(principal: Principal | undefined, accountId: string, what: string, id: string): void {
  if (principal?.kind === 'account' && principal.scope !== accountId.toLowerCase()) throw new NotFoundProblem(what, id);
}

/** The account filter a scoped key is confined to (its own), or the requested one for staff; another is a 404. */
export function scopedAccountId(principal: Principal | undefined, requested: string | undefined): string | undefined {
  if (principal?.kind !== 'account') return requested;
  if (requested && requested.toLowerCase() !== principal.scope) throw new NotFoundProblem('Account', requested);
  return principal.scope ?? undefined;
}
