import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { PageQuery } from '../../common/pagination/pagination';
import { IsSubscriberId } from '../../common/validation/text.validators';
import { REJECTED_USAGE_REASONS, RejectedUsageReason } from '../rejection-reason';

export class RejectedUsageFilter {
  @ApiPropertyOptional({ enum: REJECTED_USAGE_REASONS })
  @OptionalField()
  @IsIn(REJECTED_USAGE_REASONS)
  reason?: RejectedUsageReason;

  @ApiPropertyOptional({ example: '8613800000000' })
  @OptionalField()
  @IsSubscriberId()
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

export type RetryJobStatus = 'queued' | 'running' | 'completed' | 'failed';

export class RetryJobView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] }) status: RetryJobStatus;
  @ApiProperty({ type: RejectedUsageFilter }) filter: RejectedUsageFilter;
  @ApiProperty({ description: 'rows retried so far' }) retried: number;
  @ApiProperty() recorded: number;
  @ApiProperty() stillRejected: number;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}

export class BulkRetryView {
  @ApiProperty() retried: number;
  @ApiProperty() recorded: number;
  @ApiProperty() stillRejected: number;
}
