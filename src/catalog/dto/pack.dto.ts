import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { IsCode, IsName, IsSafeInt } from '../../common/validation/text.validators';
import { CatalogStatus } from '../entities/model.entity';
import { PackValidityKind } from '../entities/pack.entity';
import { CATALOG_STATUSES, DependsOnSiblings } from './catalog.validators';

export const VALIDITY_KINDS: readonly PackValidityKind[] = ['cycle', 'days'];
export const MAX_VALIDITY_DAYS = 3650;

const isDays = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= MAX_VALIDITY_DAYS;

export class PackValidityDto {
  @ApiProperty({ example: 'days', enum: VALIDITY_KINDS, description: 'cycle: until the end of the billing cycle; days: N days' })
  @IsIn(VALIDITY_KINDS)
  kind: PackValidityKind;

  @ApiPropertyOptional({ example: 30, minimum: 1, maximum: MAX_VALIDITY_DAYS, description: 'Only (and required) with kind "days"' })
  @DependsOnSiblings(
    'daysOfKind',
    (v, dto) => (dto.kind === 'days' ? isDays(v) : v === undefined),
    `days must be an integer from 1 to ${MAX_VALIDITY_DAYS} with kind "days", and absent otherwise`,
  )
  days?: number;
}

export class CreatePackDto {
  @ApiProperty({ example: 'pack-30d-20m' })
  @IsCode()
  code: string;

  @ApiProperty({ example: '20M credits, 30 days' })
  @IsName()
  name: string;

  @ApiProperty({ example: 1500 })
  @IsSafeInt()
  priceFen: number;

  @ApiProperty({ example: 20_000_000, minimum: 1 })
  @IsSafeInt(1)
  credits: number;

  @ApiProperty({ type: PackValidityDto, example: { kind: 'days', days: 30 } })
  @IsObject()
  @ValidateNested()
  @Type(() => PackValidityDto)
  validity: PackValidityDto;
}

export class UpdatePackDto {
  @ApiPropertyOptional({ example: '20M credits, 30 days' })
  @OptionalField()
  @IsName()
  name?: string;

  @ApiPropertyOptional({ example: 'retired', enum: CATALOG_STATUSES })
  @OptionalField()
  @IsIn(CATALOG_STATUSES)
  status?: CatalogStatus;
}

export class PackView {
  @ApiProperty({ example: 'pack-30d-20m' }) code: string;
  @ApiProperty({ example: '20M credits, 30 days' }) name: string;
  @ApiProperty({ example: 1500 }) priceFen: number;
  @ApiProperty({ example: 20_000_000 }) credits: number;
  @ApiProperty({ type: PackValidityDto, example: { kind: 'days', days: 30 } }) validity: PackValidityDto;
  @ApiProperty({ example: 'active', enum: CATALOG_STATUSES }) status: CatalogStatus;
  @ApiProperty({ example: '2026-11-01T08:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-01T08:00:00.000Z' }) updatedAt: string;
}

export class PackPage {
  @ApiProperty({ type: [PackView] }) data: PackView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
