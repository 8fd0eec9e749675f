import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsString, Length, ValidateBy, ValidateNested } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { IsCode, IsEventId, IsSafeInt, IsSubscriberId } from '../../common/validation/text.validators';
import { IsInstant } from '../../common/validation/instant.validator';
import { isStorableText, unstorableJson } from '../../common/validation/storable-text';
import { MAX_WEIGHT_SCALED, WEIGHT_SCALE } from '../../billing-rules/weight';

export const MAX_METADATA_BYTES = 4096;
/** Objects and arrays in metadata nest at most this deep (the metadata object is level 1). */
export const MAX_METADATA_DEPTH = 8;
/**
 * Most input or output tokens one event may carry. With both at this bound and both weights at
 * the largest a model may have (999,999,999.9999), an event is 2 × 4e6 × 1e9 ≈ 8.0e15 credits,
 * below 2^53 − 1 ≈ 9.007e15: no permitted event can make the credit rule overflow.
 */
export const MAX_EVENT_TOKENS = 4_000_000;
// Fails the build, not a batch, if the weight bound ever grows past what MAX_EVENT_TOKENS allows.
if (2 * MAX_EVENT_TOKENS * Math.ceil(MAX_WEIGHT_SCALED / WEIGHT_SCALE) > Number.MAX_SAFE_INTEGER) {
  throw new Error('MAX_EVENT_TOKENS lets event credits pass 2^53 - 1');
}
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

/** Metadata PostgreSQL can store as jsonb: see unstorableJson. */
const IsStorableJson = () =>
  ValidateBy({
    name: 'isStorableJson',
    validator: {
      validate: (v: unknown) => unstorableJson(v, MAX_METADATA_DEPTH) === null,
      defaultMessage: (args) => `metadata ${unstorableJson(args?.value, MAX_METADATA_DEPTH) ?? 'cannot be stored'}`,
    },
  });

/** Free text PostgreSQL can store: no NUL character, no unpaired surrogate. */
const IsStorableText = () =>
  ValidateBy({
    name: 'isStorableText',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && isStorableText(v),
      defaultMessage: (args) => `${args?.property ?? 'value'} must not contain a NUL character or an unpaired surrogate`,
    },
  });

/** One usage event as the gateway sends it (also the payload shape of queue jobs). */
export class UsageEventDto {
  @ApiProperty({ example: 'gw-01JD3X9Q7T5S' })
  @IsEventId()
  eventId: string;

  @ApiProperty({ example: '8613800000000' })
  @IsSubscriberId()
  subscriberId: string;

  @ApiProperty({ example: 'deepseek-v3' })
  @IsCode()
  model: string;

  @ApiProperty({ example: 1200, maximum: MAX_EVENT_TOKENS })
  @IsSafeInt(0, MAX_EVENT_TOKENS)
  inputTokens: number;

  @ApiProperty({ example: 350, maximum: MAX_EVENT_TOKENS })
  @IsSafeInt(0, MAX_EVENT_TOKENS)
  outputTokens: number;

  @ApiProperty({ example: '2026-11-03T08:15:00+08:00' })
  @IsInstant()
  occurredAt: string;

  @ApiPropertyOptional()
  @OptionalField()
  @IsString()
  @Length(1, 128)
  @IsStorableText()
  requestId?: string;

  @ApiPropertyOptional({
    example: '5b0c2f8e-3d1a-4c7e-9b2f-0a1d2e3f4a5b',
    description:
      'The reservationId returned by POST /v1/authorize with reserve: true for this call. When the event is recorded, ' +
      'its actual credits are charged and that hold ends; an unknown, closed or foreign id settles nothing.',
  })
  @OptionalField()
  @IsString()
  @Length(1, 128)
  @IsStorableText()
  reservationId?: string;

  @ApiPropertyOptional({
    type: Object,
    example: { app: 'chat' },
    description: `At most ${MAX_METADATA_BYTES} bytes as JSON, nested at most ${MAX_METADATA_DEPTH} levels`,
  })
  @OptionalField()
  @IsObject()
  @IsSmallJson()
  @IsStorableJson()
  // Kept exactly as sent: class-transformer would rewrite keys such as `toString` inside it, and the
  // body hash (and so duplicate detection) must not depend on which validation path a batch took.
  @Transform(({ obj }) => (obj as { metadata?: unknown }).metadata, { toClassOnly: true })
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
