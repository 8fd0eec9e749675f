import { ApiProperty } from '@nestjs/swagger';
import { BucketKind } from '../entities/bucket.entity';
import { SubscriptionStatus } from '../entities/subscription.entity';
import { CycleRef } from './subscription.view';

export class BucketView {
  @ApiProperty({ enum: ['rollover', 'plan', 'topup'] }) kind: BucketKind;
  @ApiProperty({ example: 10000000 }) grantedCredits: number;
  @ApiProperty({ example: 7500000 }) remainingCredits: number;
  @ApiProperty() validFrom: string;
  @ApiProperty() expiresAt: string;
}

export class MemberUsageView {
  @ApiProperty() subscriberId: string;
  @ApiProperty({ description: 'Credits used by this line in the open cycle' }) usedCredits: number;
  @ApiProperty({ nullable: true, type: Number }) monthlyCapCredits: number | null;
}

export class BalanceView {
  @ApiProperty() subscriptionId: string;
  @ApiProperty({ enum: ['active', 'suspended', 'cancelled', 'ended'] }) status: SubscriptionStatus;
  @ApiProperty() planCode: string;
  @ApiProperty({ nullable: true, type: String }) pendingPlanCode: string | null;
  @ApiProperty({ type: CycleRef, nullable: true }) cycle: CycleRef | null;
  @ApiProperty({ type: [BucketView] }) buckets: BucketView[];
  @ApiProperty({ description: 'Pay-as-you-go credits of the open cycle' }) overageCredits: number;
  @ApiProperty({ description: 'Credits served but not chargeable in the open cycle' }) unbilledCredits: number;
  @ApiProperty({ description: 'Credits held by authorizations in flight' }) heldCredits: number;
  @ApiProperty({ type: [MemberUsageView] }) members: MemberUsageView[];
  @ApiProperty({ nullable: true, type: Number, description: 'Overage credit limit of the open cycle (payg with a cap); null otherwise' })
  overageCapCredits: number | null;
  @ApiProperty({ description: 'The payg spending cap of the open cycle is used up' }) spendingCapReached: boolean;
}
