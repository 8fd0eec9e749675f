import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination';
import { IsSubscriberId } from '../../common/validation/text.validators';
import { REJECTED_USAGE_REASONS, RejectedUsageReason } from '../rejection-reason';

export class RejectedUsageFilter {
  @ApiPropertyOptional({ enum: REJECTED_USAGE_REASONS }) @IsOptional() @IsIn(REJECTED_USAGE_REASONS)
  reason?: RejectedUsageReason;

  @ApiPropertyOptional({ example: '8613800000000' }) @IsOptional() @IsSubscriberId()
  subscriberId?: string;
}

export class RejectedUsageQuery extends IntersectionType(PageQuery, RejectedUsageFilter) {}

export class RejectedUsageView {
  @ApiProperty() id: string;
  @ApiProperty() eventId: string;
  @ApiProperty({ nullable: true, type: String }) subscriberId: string | null;
  @ApiProperty({ enum: REJECTED_USAGE_REASONS }) reason: string;
  @ApiProperty({ type: Object }) event: Record<string, unknown>;
  @ApiProperty() receivedAt: string;
  @ApiProperty({ nullable: true, type: String }) retriedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'recorded, duplicate, or the reason it was rejected again' })
  retryOutcome: string | null;
}

export class BulkRetryView {
  @ApiProperty() retried: number;
  @ApiProperty() recorded: number;
  @ApiProperty() stillRejected: number;
}
