import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalField } from '../../common/validation/presence.validators';
import { IsBillingPeriod } from '../../invoices/dto/invoice.dto';
import { IsCode } from '../../common/validation/text.validators';

export class ProviderStatementQuery {
  @ApiProperty({ example: '2026-11', description: 'month of occurredAt in the billing time zone' })
  @IsBillingPeriod()
  period: string;

  @ApiPropertyOptional({ example: 'deepseek' })
  @OptionalField()
  @IsCode()
  provider?: string;
}

export class ModelLineView {
  @ApiProperty() model: string;
  @ApiProperty() requests: number;
  @ApiProperty() inputTokens: number;
  @ApiProperty() outputTokens: number;
  @ApiProperty({ description: 'Σ over rate versions of roundHalfUp(in × inPrice / 1e6) + roundHalfUp(out × outPrice / 1e6)' })
  amountFen: number;
}

export class ProviderStatementView {
  @ApiProperty() provider: string;
  @ApiProperty({ example: '2026-11' }) period: string;
  @ApiProperty({ type: [ModelLineView] }) models: ModelLineView[];
  @ApiProperty() totalFen: number;
}

export class ProviderStatementsView {
  @ApiProperty({ type: [ProviderStatementView] }) data: ProviderStatementView[];
}
