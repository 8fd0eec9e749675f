import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { WebhookOutbox } from '../webhooks/webhook-outbox.service';
import { AlertCandidate, usageAlerts } from './alert-rules';
import { AlertsRepository, ExpiredTopupRow } from './alerts.repository';
import { dbInt } from '../database/db-integer';
import { Clock } from '../common/clock/clock';

const EXPIRY_SCAN_BATCH = 1000;

/**
 * Raises alerts in the transaction that changed the balances they describe, and writes their
 * webhook deliveries in that same transaction (the outbox): an alert and its deliveries commit
 * together or not at all.
 */
@Injectable()
export class AlertDetector {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: AlertsRepository,
    private readonly outbox: WebhookOutbox,
    private readonly clock: Clock,
  ) {}

  /**
   * Called by the usage recorder after its ledger writes, while it still holds the row locks of
   * these subscriptions: the facts read here are exactly the balances the batch left behind.
   */
  async afterUsage(em: EntityManager, subscriptionIds: Iterable<string>, now: Date): Promise<string[]> {
    const ids = [...new Set(subscriptionIds)].sort();
    if (ids.length === 0) return [];
    const facts = await this.repo.usageFacts(em, ids, now);
    return this.raise(em, facts.flatMap(usageAlerts));
  }

  /**
   * TOPUP_EXPIRED_UNUSED for packs that expired untouched. "Untouched" is as of the scan: a late
   * event that occurred before the expiry may still draw on the bucket afterwards.
   */
  async scanExpiredTopups(now = this.clock.now()): Promise<{ raised: number }> {
    return this.dataSource.transaction(async (em) => {
      const rows = await this.repo.expiredUnusedTopups(em, now, EXPIRY_SCAN_BATCH);
      return { raised: (await this.raise(em, rows.map(expiredTopupAlert))).length };
    });
  }

  async raise(em: EntityManager, candidates: AlertCandidate[]): Promise<string[]> {
    const created = await this.repo.insertNew(em, candidates);
    await this.outbox.fanOut(em, created);
    return created;
  }
}

function expiredTopupAlert(r: ExpiredTopupRow): AlertCandidate {
  return {
    subscriptionId: r.subscription_id,
    cycleId: r.cycle_id,
    kind: 'TOPUP_EXPIRED_UNUSED',
    subject: r.id,
    data: {
      bucketId: r.id,
      purchaseId: r.purchase_id,
      packCode: r.pack_code,
      grantedCredits: dbInt(r.granted_credits, 'bucket granted_credits'),
      expiresAt: new Date(r.expires_at).toISOString(),
    },
  };
}
