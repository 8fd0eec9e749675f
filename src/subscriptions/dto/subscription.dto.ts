import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsUUID, ValidateNested } from 'class-validator';
import { OptionalField, OptionalNullableField } from '../../common/validation/presence.validators';
import { IsInstant } from '../../common/validation/instant.validator';
import { IsCode, IsSafeInt, IsSubscriberId } from '../../common/validation/text.validators';
import { PageQuery } from '../../common/pagination/pagination';

export class MemberInput {
  @ApiProperty({ example: '8613800000000' })
  @IsSubscriberId()
  subscriberId: string;

  @ApiPropertyOptional({ example: 2000000, nullable: true, type: Number, description: 'Monthly cap of this line, in credits; absent or null: no cap' })
  @OptionalNullableField()
  @IsSafeInt(0)
  monthlyCapCredits?: number | null;
}

export class CreateSubscriptionDto {
  @ApiProperty({ example: '6a1f1c62-5a7e-4b8e-9a53-0d6d1b0f2a11' })
  @IsUUID()
  accountId: string;

  @ApiProperty({ example: 'personal-9.9' })
  @IsCode()
  planCode: string;

  @ApiPropertyOptional({ example: '2026-11-15T10:00:00+08:00', description: 'Defaults to now; may lie in the past, never in the future' })
  @OptionalField()
  @IsInstant()
  startAt?: string;

  @ApiProperty({ type: [MemberInput], description: 'Exactly one for a personal plan; up to maxMembers otherwise' })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MemberInput)
  members: MemberInput[];
}

export class ChangePlanDto {
  @ApiProperty({ example: 'family-5' })
  @IsCode()
  planCode: string;
}

export class SubscriptionQuery extends PageQuery {
  @ApiPropertyOptional()
  @OptionalField()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ example: '8613800000000' })
  @OptionalField()
  @IsSubscriberId()
  subscriberId?: string;
}
