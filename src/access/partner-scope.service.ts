import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundProblem } from '../common/http/domain.exception';
import { Principal } from './role';

export interface ScopedUsageFilter {
  accountId?: string;
  subscriptionId?: string;
  subscriberId?: string;
}

/**
 * Filters a scoped partner key may put on a list. Naming another account's account, subscription
 * or line is a 404, as a path id would be: an empty page would confirm that the id exists.
 */
@Injectable()
export class PartnerScope {
  constructor(private readonly dataSource: DataSource) {}

  /** The account a list is confined to: the key's own for a scoped key, the requested one for staff. */
  async accountFilter(p: Principal | undefined, f: ScopedUsageFilter): Promise<string | undefined> {
    if (p?.kind !== 'account') return f.accountId;
    const own = p.scope as string;
    if (f.accountId && f.accountId.toLowerCase() !== own) throw new NotFoundProblem('Account', f.accountId);
    if (f.subscriptionId && !(await this.ownsSubscription(own, f.subscriptionId))) throw new NotFoundProblem('Subscription', f.subscriptionId);
    if (f.subscriberId && !(await this.ownsSubscriber(own, f.subscriberId))) throw new NotFoundProblem('Subscriber', f.subscriberId);
    return own;
  }

  private async ownsSubscription(accountId: string, subscriptionId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM subscriptions WHERE id = $1 AND account_id = $2`, [subscriptionId, accountId]);
    return rows.length > 0;
  }

  /** A line that was ever a member of one of the account's subscriptions (its past usage is the account's). */
  private async ownsSubscriber(accountId: string, subscriberId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM members m JOIN subscriptions s ON s.id = m.subscription_id WHERE m.subscriber_id = $1 AND s.account_id = $2 LIMIT 1`,
      [subscriberId, accountId],
    );
    return rows.length > 0;
  }
}
