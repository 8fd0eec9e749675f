import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsUUID, Matches, ValidateBy } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { PageQuery } from '../../common/pagination/pagination';
import { IsReason } from '../../common/validation/text.validators';
import { Charge, ChargeStatus, ChargeType } from '../entities/charge.entity';

export const CHARGE_TYPES: ChargeType[] = ['RECURRING', 'OVERAGE', 'TOPUP', 'ADJUSTMENT'];
export const CHARGE_STATUSES: ChargeStatus[] = ['PENDING', 'EXPORTED', 'ACCEPTED', 'REJECTED'];
export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export class ChargeFilter {
  @ApiPropertyOptional() @OptionalField() @IsUUID() accountId?: string;
  @ApiPropertyOptional() @OptionalField() @IsUUID() subscriptionId?: string;
  @ApiPropertyOptional({ example: '2026-11' }) @OptionalField() @Matches(PERIOD_PATTERN, { message: 'period must be YYYY-MM' }) period?: string;
  @ApiPropertyOptional({ enum: CHARGE_TYPES }) @OptionalField() @IsIn(CHARGE_TYPES) type?: ChargeType;
  @ApiPropertyOptional({ enum: CHARGE_STATUSES }) @OptionalField() @IsIn(CHARGE_STATUSES) status?: ChargeStatus;
}

export class ChargeQuery extends IntersectionType(PageQuery, ChargeFilter) {}

export class AdjustmentDto {
  @ApiProperty({ example: -500, description: 'Non-zero fen; negative is a credit to the customer' })
  @ValidateBy({
    name: 'isNonZeroSafeInt',
    validator: {
      validate: (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v !== 0,
      defaultMessage: () => 'amountFen must be a non-zero integer within ±(2^53 − 1)',
    },
  })
  amountFen: number;

  @ApiProperty({ example: 'Goodwill credit for the outage of 3 Nov' })
  @IsReason()
  reason: string;
}

export class ChargeView {
  @ApiProperty() id: string;
  @ApiProperty() accountId: string;
  @ApiProperty() accountExternalRef: string;
  @ApiProperty({ nullable: true, type: String }) subscriptionId: string | null;
  @ApiProperty({ nullable: true, type: String }) cycleId: string | null;
  @ApiProperty({ example: '2026-11' }) billingPeriod: string;
  @ApiProperty({ enum: CHARGE_TYPES }) type: ChargeType;
  @ApiProperty() description: string;
  @ApiProperty({ nullable: true, type: Number }) quantity: number | null;
  @ApiProperty() amountFen: number;
  @ApiProperty({ example: 600 }) taxRateBp: number;
  @ApiProperty() taxFen: number;
  @ApiProperty({ example: 'CNY' }) currency: string;
  @ApiProperty({ enum: CHARGE_STATUSES }) status: ChargeStatus;
  @ApiProperty({ nullable: true, type: String }) rejectionReason: string | null;
  @ApiProperty({ nullable: true, type: String }) settlementBatchId: string | null;
  @ApiProperty() createdAt: string;

  static of(c: Charge): ChargeView {
    return {
      id: c.id,
      accountId: c.accountId,
      accountExternalRef: c.accountExternalRef,
      subscriptionId: c.subscriptionId,
      cycleId: c.cycleId,
      billingPeriod: c.billingPeriod,
      type: c.type,
      description: c.description,
      quantity: c.quantity,
      amountFen: c.amountFen,
      taxRateBp: c.taxRateBp,
      taxFen: c.taxFen,
      currency: c.currency,
      status: c.status,
      rejectionReason: c.rejectionReason,
      settlementBatchId: c.settlementBatchId,
      createdAt: c.createdAt.toISOString(),
    };
  }
}
