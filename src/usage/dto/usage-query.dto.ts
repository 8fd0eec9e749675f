import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { PageQuery } from '../../common/pagination/pagination';
import { IsInstant } from '../../common/validation/instant.validator';
import { IsCode, IsSubscriberId } from '../../common/validation/text.validators';

export class UsageFilter {
  @ApiPropertyOptional({ example: '8613800000000' })
  @OptionalField()
  @IsSubscriberId()
  subscriberId?: string;

  @ApiPropertyOptional()
  @OptionalField()
  @IsUUID()
  subscriptionId?: string;

  @ApiPropertyOptional({ example: 'deepseek-v3' })
  @OptionalField()
  @IsCode()
  model?: string;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00+08:00', description: 'occurredAt at or after' })
  @OptionalField()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00+08:00', description: 'occurredAt before' })
  @OptionalField()
  @IsInstant()
  to?: string;
}

export class UsageQuery extends IntersectionType(PageQuery, UsageFilter) {}

export class UsageSummaryQuery extends UsageFilter {
  @ApiProperty({ enum: ['model', 'day'] })
  @IsIn(['model', 'day'])
  groupBy: 'model' | 'day';
}

export class UsageEntryView {
  @ApiProperty() eventId: string;
  @ApiProperty() subscriptionId: string;
  @ApiProperty() subscriberId: string;
  @ApiProperty() model: string;
  @ApiProperty() inputTokens: number;
  @ApiProperty() outputTokens: number;
  @ApiProperty() occurredAt: string;
  @ApiProperty() credits: number;
  @ApiProperty() overageCredits: number;
  @ApiProperty() unbilledCredits: number;
  @ApiProperty() late: boolean;
  @ApiProperty({ nullable: true, type: String }) cycleId: string | null;
}

export class UsageSummaryRow {
  @ApiPropertyOptional({ description: 'with groupBy=model' }) model?: string;
  @ApiPropertyOptional({ description: 'with groupBy=day: the day in the billing time zone', example: '2026-11-03' }) day?: string;
  @ApiProperty() requests: number;
  @ApiProperty() inputTokens: number;
  @ApiProperty() outputTokens: number;
  @ApiProperty() credits: number;
  @ApiProperty() overageCredits: number;
  @ApiProperty() unbilledCredits: number;
}
