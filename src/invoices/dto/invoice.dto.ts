import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsUUID, ValidateBy } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { parsePeriod } from '../../billing-rules';
import { ChargeView } from '../../charges/dto/charge.dto';
import { PageQuery } from '../../common/pagination/pagination';
import { IsInstant } from '../../common/validation/instant.validator';

export type InvoiceStatus = 'open' | 'final';

/** A billing period billing-rules can work with: 'YYYY-MM', 2000-01..9999-12. */
export const IsBillingPeriod = () =>
  ValidateBy({
    name: 'isBillingPeriod',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parsePeriod(v) !== null,
      defaultMessage: () => 'period must be YYYY-MM (2000-01..9999-12)',
    },
  });

export class InvoiceFilter {
  @ApiPropertyOptional({ example: '2026-11' })
  @OptionalField()
  @IsBillingPeriod()
  period?: string;

  @ApiPropertyOptional()
  @OptionalField()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00+08:00', description: 'only invoices whose updatedAt is at or after this instant' })
  @OptionalField()
  @IsInstant()
  updatedSince?: string;
}

export class InvoiceQuery extends IntersectionType(PageQuery, InvoiceFilter) {}

export class InvoiceView {
  @ApiProperty() id: string;
  @ApiProperty() accountId: string;
  @ApiProperty({ example: '2026-11' }) billingPeriod: string;
  @ApiProperty({ enum: ['open', 'final'], description: 'final once the period has ended and every cycle of the account in it is rated' })
  status: InvoiceStatus;
  @ApiProperty({ type: [ChargeView] }) lines: ChargeView[];
  @ApiProperty({ description: 'sum of the lines amountFen' }) totalFen: number;
  @ApiProperty({ description: 'sum of the lines taxFen' }) taxFen: number;
  @ApiProperty({ description: 'last change of a line, of a cycle of the period, or the period end once passed' }) updatedAt: string;
}
