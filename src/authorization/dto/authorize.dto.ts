import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, ValidateIf, ValidationArguments } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { IsCode, IsSafeInt, IsSubscriberId } from '../../common/validation/text.validators';
import { DENIAL_REASONS, DenialReason } from '../authorization-decision';

const estimateMessage = (args: ValidationArguments) =>
  args.value === undefined || args.value === null
    ? 'estimatedCredits is required when reserve is true'
    : `estimatedCredits must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}`;

export class AuthorizeDto {
  @ApiProperty({ example: '8613800000000' })
  @IsSubscriberId()
  subscriberId: string;

  @ApiProperty({ example: 'deepseek-v3' })
  @IsCode()
  model: string;

  @ApiPropertyOptional({
    example: 2000,
    minimum: 1,
    nullable: true,
    type: Number,
    description: 'Credits the call is expected to cost; 1 when absent or null. Required with reserve.',
  })
  @ValidateIf((o: AuthorizeDto) => (o.estimatedCredits !== undefined && o.estimatedCredits !== null) || o.reserve === true)
  @IsSafeInt(1, Number.MAX_SAFE_INTEGER, { message: estimateMessage })
  estimatedCredits?: number;

  @ApiPropertyOptional({
    example: false,
    description: 'Hold estimatedCredits until the usage event carrying the returned reservationId settles them (requires estimatedCredits).',
  })
  @OptionalField()
  @IsBoolean()
  reserve?: boolean;
}

export class AuthorizationView {
  @ApiProperty({ example: true }) allowed: boolean;

  @ApiPropertyOptional({ enum: DENIAL_REASONS, example: 'BALANCE_EXHAUSTED', description: 'Present only when allowed is false' })
  reason?: DenialReason;

  @ApiProperty({ example: 8_250_000, description: 'Credits left in the buckets usable now, less active holds' })
  remainingCredits: number;

  @ApiProperty({ example: false, description: 'Payg plan whose cycle overage is still below its cap' })
  overageAllowed: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'With reserve: true and allowed: the hold; send it as reservationId on the usage event' })
  reservationId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'With a reservationId: when the hold is released if no usage event settled it' })
  reservationExpiresAt?: string;
}
