import { ApiProperty } from '@nestjs/swagger';
import { Cycle } from '../entities/cycle.entity';
import { Member } from '../entities/member.entity';
import { Subscription, SubscriptionStatus } from '../entities/subscription.entity';

export class CycleRef {
  @ApiProperty() id: string;
  @ApiProperty({ example: '2026-11' }) period: string;
  @ApiProperty() start: string;
  @ApiProperty() end: string;

  static of(c: Cycle): CycleRef {
    return { id: c.id, period: c.period, start: c.startAt.toISOString(), end: c.endAt.toISOString() };
  }
}

export class MemberView {
  @ApiProperty() subscriberId: string;
  @ApiProperty({ nullable: true, type: Number }) monthlyCapCredits: number | null;
  @ApiProperty() addedAt: string;
  @ApiProperty({ nullable: true, type: String }) removedAt: string | null;

  static of(m: Member): MemberView {
    return {
      subscriberId: m.subscriberId,
      monthlyCapCredits: m.monthlyCapCredits,
      addedAt: m.addedAt.toISOString(),
      removedAt: m.removedAt ? m.removedAt.toISOString() : null,
    };
  }
}

export class SubscriptionView {
  @ApiProperty() id: string;
  @ApiProperty() accountId: string;
  @ApiProperty() planCode: string;
  @ApiProperty({ nullable: true, type: String }) pendingPlanCode: string | null;
  @ApiProperty({ enum: ['active', 'suspended', 'cancelled', 'ended'] }) status: SubscriptionStatus;
  @ApiProperty() startAt: string;
  @ApiProperty({ nullable: true, type: String }) endedAt: string | null;
  @ApiProperty({ type: CycleRef, nullable: true }) cycle: CycleRef | null;
  @ApiProperty({ type: [MemberView] }) members: MemberView[];
  @ApiProperty() createdAt: string;

  static of(s: Subscription, cycle: Cycle | null, members: Member[]): SubscriptionView {
    return {
      id: s.id,
      accountId: s.accountId,
      planCode: s.planCode,
      pendingPlanCode: s.pendingPlanCode,
      status: s.status,
      startAt: s.startAt.toISOString(),
      endedAt: s.endedAt ? s.endedAt.toISOString() : null,
      cycle: cycle ? CycleRef.of(cycle) : null,
      members: members.map(MemberView.of),
      createdAt: s.createdAt.toISOString(),
    };
  }
}
