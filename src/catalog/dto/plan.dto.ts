import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsObject, Matches, ValidateBy, ValidateNested } from 'class-validator';
import { NullableField, OptionalField } from '../../common/validation/presence.validators';
import { CODE_PATTERN, IsCode, IsName, IsSafeInt } from '../../common/validation/text.validators';
import { CatalogStatus } from '../entities/model.entity';
import { OverageMode, PlanKind } from '../entities/plan.entity';
import { CATALOG_STATUSES, DependsOnSiblings } from './catalog.validators';

export const PLAN_KINDS: readonly PlanKind[] = ['personal', 'family', 'business'];
export const OVERAGE_MODES: readonly OverageMode[] = ['block', 'payg'];
export const ALL_MODELS = '*';
export const MAX_PLAN_MEMBERS = 1000;
const MODEL_REF = new RegExp(`^\\*$|${CODE_PATTERN.source}`);

export class OverageDto {
  @ApiProperty({ example: 'payg', enum: OVERAGE_MODES, description: 'block: refuse usage beyond the buckets; payg: bill it' })
  @IsIn(OVERAGE_MODES)
  mode: OverageMode;

  @ApiProperty({ example: 300, description: 'Fen per million overage credits' })
  @IsSafeInt()
  ratePerMillionFen: number;

  @ApiProperty({ example: 5000, nullable: true, type: Number, description: 'Most overage fen per cycle; null = no cap' })
  @NullableField()
  @IsSafeInt()
  capFen: number | null;
}

export class RolloverDto {
  @ApiProperty({ example: 30, minimum: 0, maximum: 100, description: 'Share of unused plan credits carried over' })
  @IsSafeInt(0, 100)
  percent: number;

  @ApiProperty({ example: 12_000_000, description: 'Most credits carried over' })
  @IsSafeInt()
  maxCredits: number;
}

const ModelSelection = () =>
  ValidateBy({
    name: 'modelSelection',
    validator: {
      validate: (value: unknown) => !Array.isArray(value) || !value.includes(ALL_MODELS) || value.length === 1,
      defaultMessage: () => 'models must be either exactly ["*"] or a list of model codes',
    },
  });

export class CreatePlanDto {
  @ApiProperty({ example: 'family-5' })
  @IsCode()
  code: string;

  @ApiProperty({ example: 'Family 5 lines' })
  @IsName()
  name: string;

  @ApiProperty({ example: 'family', enum: PLAN_KINDS })
  @IsIn(PLAN_KINDS)
  kind: PlanKind;

  @ApiProperty({ example: 2990 })
  @IsSafeInt()
  monthlyFeeFen: number;

  @ApiProperty({ example: 40_000_000 })
  @IsSafeInt()
  allowanceCredits: number;

  @ApiProperty({ example: ['*'], type: [String], description: 'Model codes, or ["*"] for every model' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @Matches(MODEL_REF, { each: true, message: 'each of models must be a model code or "*"' })
  @ModelSelection()
  models: string[];

  @ApiProperty({ example: 5, minimum: 1, maximum: MAX_PLAN_MEMBERS, description: 'Must be 1 for a personal plan' })
  @IsSafeInt(1, MAX_PLAN_MEMBERS)
  @DependsOnSiblings('maxMembersOfKind', (v, dto) => dto.kind !== 'personal' || v === 1, 'maxMembers must be 1 for a personal plan')
  maxMembers: number;

  @ApiProperty({ type: OverageDto })
  @IsObject()
  @ValidateNested()
  @Type(() => OverageDto)
  overage: OverageDto;

  @ApiProperty({ type: RolloverDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RolloverDto)
  rollover: RolloverDto;
}

/** Only the label and the sale status change; commercial terms are refused with a 409 before validation. */
export class UpdatePlanDto {
  @ApiPropertyOptional({ example: 'Family 5 lines (2026)' })
  @OptionalField()
  @IsName()
  name?: string;

  @ApiPropertyOptional({ example: 'retired', enum: CATALOG_STATUSES })
  @OptionalField()
  @IsIn(CATALOG_STATUSES)
  status?: CatalogStatus;
}

export class PlanView {
  @ApiProperty({ example: 'family-5' }) code: string;
  @ApiProperty({ example: 'Family 5 lines' }) name: string;
  @ApiProperty({ example: 'family', enum: PLAN_KINDS }) kind: PlanKind;
  @ApiProperty({ example: 2990 }) monthlyFeeFen: number;
  @ApiProperty({ example: 40_000_000 }) allowanceCredits: number;
  @ApiProperty({ example: ['*'], type: [String] }) models: string[];
  @ApiProperty({ example: 5 }) maxMembers: number;
  @ApiProperty({ type: OverageDto }) overage: OverageDto;
  @ApiProperty({ type: RolloverDto }) rollover: RolloverDto;
  @ApiProperty({ example: 'active', enum: CATALOG_STATUSES }) status: CatalogStatus;
  @ApiProperty({ example: '2026-11-01T08:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-01T08:00:00.000Z' }) updatedAt: string;
}

export class PlanPage {
  @ApiProperty({ type: [PlanView] }) data: PlanView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
