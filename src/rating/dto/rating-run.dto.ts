import { ApiProperty } from '@nestjs/swagger';
import { RatingRunStatus } from '../entities/rating-run.entity';
import { IsBillingPeriod } from '../../invoices/dto/invoice.dto';

export class CreateRatingRunDto {
  @ApiProperty({ example: '2026-10', description: 'A billing period (YYYY-MM) that has ended' })
  @IsBillingPeriod()
  period: string;
}

export class RatingRunView {
  @ApiProperty() id: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] }) status: RatingRunStatus;
  @ApiProperty({ example: { processed: 4000, total: 10000 } }) progress: { processed: number; total: number };
  @ApiProperty({ example: { RECURRING: 4000, OVERAGE: 312 } }) counts: { RECURRING: number; OVERAGE: number };
  @ApiProperty() totalAmountFen: number;
  @ApiProperty({ example: [] }) errors: { subscriptionId: string; message: string }[];
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}
