import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination';
import { ClosedAs, ReservationRow } from '../reservations.repository';

export class ReservationFilter {
  @ApiProperty({ format: 'uuid', description: 'The subscription whose open holds are listed' })
  @IsUUID()
  subscriptionId: string;
}

export class ReservationQuery extends IntersectionType(PageQuery, ReservationFilter) {}

export class ReservationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) subscriptionId: string;
  @ApiProperty({ example: '8613800000000' }) subscriberId: string;
  @ApiProperty({ example: 'deepseek-v3' }) model: string;
  @ApiProperty({ example: 2000, description: 'Credits held (the estimate of the authorized call)' }) credits: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', description: 'Released by itself then unless settled or released before' }) expiresAt: string;
  @ApiProperty({ enum: ['open', 'settled', 'released', 'expired'], description: 'open until its usage event settles it, a release, or its expiry' })
  status: 'open' | ClosedAs;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) closedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The usage event that settled the hold' }) settledEventId: string | null;

  static of(r: ReservationRow, now: Date): ReservationView {
    const status = r.closedAs ?? (r.expiresAt.getTime() <= now.getTime() ? 'expired' : 'open');
    return {
      id: r.id,
      subscriptionId: r.subscriptionId,
      subscriberId: r.subscriberId,
      model: r.model,
      credits: r.credits,
      createdAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      status,
      closedAt: r.closedAt ? r.closedAt.toISOString() : null,
      settledEventId: r.settledEventId,
    };
  }
}
