import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BucketRow } from './entities/bucket.entity';

export interface NewTopupBucket {
  subscriptionId: string;
  cycleId: string;
  credits: number;
  validFrom: Date;
  expiresAt: Date;
  /** The purchase that grants it; the bucket answers to it. */
  purchaseId: string;
}

/** Grants a bought pack as a bucket of the subscription (subscriptions own every bucket). */
@Injectable()
export class TopupBucketsWriter {
  async grant(em: EntityManager, b: NewTopupBucket): Promise<string> {
    const inserted = await em.insert(BucketRow, {
      subscriptionId: b.subscriptionId,
      cycleId: b.cycleId,
      kind: 'topup',
      grantedCredits: b.credits,
      remainingCredits: b.credits,
      validFrom: b.validFrom,
      expiresAt: b.expiresAt,
      sourceRef: b.purchaseId,
    });
    return inserted.identifiers[0].id as string;
  }
}
