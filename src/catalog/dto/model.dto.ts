import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { IsCode, IsSafeInt } from '../../common/validation/text.validators';
import { CatalogStatus } from '../entities/model.entity';
import { CATALOG_STATUSES, IsInstant, IsWeight } from './catalog.validators';

const WEIGHT_DOC = 'Credits per token, a decimal string > 0 with at most 4 fractional digits';

export class CreateModelDto {
  @ApiProperty({ example: 'deepseek-v3' })
  @IsCode()
  code: string;

  @ApiProperty({ example: 'deepseek' })
  @IsCode()
  providerCode: string;

  @ApiProperty({ example: '1', description: WEIGHT_DOC })
  @IsWeight()
  inputWeight: string;

  @ApiProperty({ example: '4', description: WEIGHT_DOC })
  @IsWeight()
  outputWeight: string;

  @ApiProperty({ example: 200, description: 'What the provider charges us, fen per million input tokens' })
  @IsSafeInt()
  providerInputPricePerMillionFen: number;

  @ApiProperty({ example: 800, description: 'What the provider charges us, fen per million output tokens' })
  @IsSafeInt()
  providerOutputPricePerMillionFen: number;
}

export class UpdateModelDto {
  @ApiPropertyOptional({ example: 'retired', enum: CATALOG_STATUSES })
  @OptionalField()
  @IsIn(CATALOG_STATUSES)
  status?: CatalogStatus;
}

/** A new rate version; every rate field left out keeps the value of the version in force just before. */
export class AddModelRateDto {
  @ApiProperty({ example: '2026-12-01T00:00:00+08:00', description: 'ISO-8601 instant with offset' })
  @IsInstant()
  effectiveFrom: string;

  @ApiPropertyOptional({ example: '1', description: WEIGHT_DOC })
  @OptionalField()
  @IsWeight()
  inputWeight?: string;

  @ApiPropertyOptional({ example: '3', description: WEIGHT_DOC })
  @OptionalField()
  @IsWeight()
  outputWeight?: string;

  @ApiPropertyOptional({ example: 200 })
  @OptionalField()
  @IsSafeInt()
  providerInputPricePerMillionFen?: number;

  @ApiPropertyOptional({ example: 600 })
  @OptionalField()
  @IsSafeInt()
  providerOutputPricePerMillionFen?: number;
}

export class ModelRateView {
  @ApiProperty({ example: '2026-12-01T00:00:00.000Z', nullable: true, type: String, description: 'null: since the beginning' })
  effectiveFrom: string | null;

  @ApiProperty({ example: '1' }) inputWeight: string;
  @ApiProperty({ example: '4' }) outputWeight: string;
  @ApiProperty({ example: 200 }) providerInputPricePerMillionFen: number;
  @ApiProperty({ example: 800 }) providerOutputPricePerMillionFen: number;
}

export class CreatedModelRateView extends ModelRateView {
  @ApiProperty({ example: 'deepseek-v3' }) modelCode: string;
}

/** A model with the rate in force now flattened, and every rate version in order. */
export class ModelView {
  @ApiProperty({ example: 'deepseek-v3' }) code: string;
  @ApiProperty({ example: 'deepseek' }) providerCode: string;
  @ApiProperty({ example: 'active', enum: CATALOG_STATUSES }) status: CatalogStatus;
  @ApiProperty({ example: '1' }) inputWeight: string;
  @ApiProperty({ example: '4' }) outputWeight: string;
  @ApiProperty({ example: 200 }) providerInputPricePerMillionFen: number;
  @ApiProperty({ example: 800 }) providerOutputPricePerMillionFen: number;
  @ApiProperty({ type: [ModelRateView] }) rates: ModelRateView[];
  @ApiProperty({ example: '2026-11-01T08:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-01T08:00:00.000Z' }) updatedAt: string;
}

export class ModelPage {
  @ApiProperty({ type: [ModelView] }) data: ModelView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
