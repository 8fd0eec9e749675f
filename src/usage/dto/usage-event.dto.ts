import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsString, Length, ValidateBy, ValidateNested } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { IsCode, IsEventId, IsSafeInt, IsSubscriberId } from '../../common/validation/text.validators';
import { IsInstant } from '../../common/validation/instant.validator';

export const MAX_METADATA_BYTES = 4096;
export const MAX_BATCH_EVENTS = 1000;
/** A queue job may carry more: the API merges requests that arrive together into one job. */
export const MAX_JOB_EVENTS = 5000;

const IsSmallJson = () =>
  ValidateBy({
    name: 'isSmallJson',
    validator: {
      validate: (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Buffer.byteLength(JSON.stringify(v)) <= MAX_METADATA_BYTES,
      defaultMessage: () => `metadata must be a JSON object of at most ${MAX_METADATA_BYTES} bytes`,
    },
  });

/** One usage event as the gateway sends it (also the payload shape of queue jobs). */
export class UsageEventDto {
  @ApiProperty({ example: 'gw-01JD3X9Q7T5S' }) @IsEventId()
  eventId: string;

  @ApiProperty({ example: '8613800000000' }) @IsSubscriberId()
  subscriberId: string;

  @ApiProperty({ example: 'deepseek-v3' }) @IsCode()
  model: string;

  @ApiProperty({ example: 1200 }) @IsSafeInt(0)
  inputTokens: number;

  @ApiProperty({ example: 350 }) @IsSafeInt(0)
  outputTokens: number;

  @ApiProperty({ example: '2026-11-03T08:15:00+08:00' }) @IsInstant()
  occurredAt: string;

  @ApiPropertyOptional() @OptionalField() @IsString() @Length(1, 128)
  requestId?: string;

  @ApiPropertyOptional({
    example: '5b0c2f8e-3d1a-4c7e-9b2f-0a1d2e3f4a5b',
    description:
      'The reservationId returned by POST /v1/authorize with reserve: true for this call. When the event is recorded, ' +
      'its actual credits are charged and that hold ends; an unknown, closed or foreign id settles nothing.',
  })
  @OptionalField() @IsString() @Length(1, 128)
  reservationId?: string;

  @ApiPropertyOptional({ type: Object, example: { app: 'chat' } }) @OptionalField() @IsObject() @IsSmallJson()
  metadata?: Record<string, unknown>;
}

export class UsageBatchDto {
  @ApiProperty({ type: [UsageEventDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_EVENTS)
  @ValidateNested({ each: true })
  @Type(() => UsageEventDto)
  events: UsageEventDto[];
}

/** The payload of a `usage-batch` job: the same events, up to MAX_JOB_EVENTS of them. */
export class UsageJobDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_JOB_EVENTS)
  @ValidateNested({ each: true })
  @Type(() => UsageEventDto)
  events: UsageEventDto[];
}

export class AcceptedView {
  @ApiProperty({ example: 500 }) accepted: number;
}
