import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsUUID, ValidateNested } from 'class-validator';
import { IsReason } from '../../common/validation/text.validators';
import { BatchStatus, SettlementBatch } from '../entities/settlement-batch.entity';

export class RejectionDto {
  @ApiProperty({ description: 'recordId of the file = charge id' })
  @IsUUID()
  recordId: string;

  @ApiProperty({ example: 'Subscriber line closed' })
  @IsReason()
  reason: string;
}

export class AckDto {
  @ApiProperty({ type: [RejectionDto], description: 'Records the operator refused; every other record of the batch is accepted' })
  @IsArray()
  @ArrayMaxSize(100_000)
  @ValidateNested({ each: true })
  @Type(() => RejectionDto)
  rejected: RejectionDto[];
}

export class BatchView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['preparing', 'ready', 'acknowledged'] }) status: BatchStatus;
  @ApiProperty() recordCount: number;
  @ApiProperty() totalAmountFen: number;
  @ApiProperty({ nullable: true, type: String, description: 'hex sha256 of the file; null while preparing' }) sha256: string | null;
  @ApiProperty({ example: 'settlement-20261129-7d0c….csv' }) fileName: string;
  @ApiProperty({ nullable: true, type: Number }) acceptedCount: number | null;
  @ApiProperty({ nullable: true, type: Number }) rejectedCount: number | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) readyAt: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt: string | null;

  static of(b: SettlementBatch): BatchView {
    return {
      id: b.id,
      status: b.status,
      recordCount: b.recordCount,
      totalAmountFen: b.totalAmountFen,
      sha256: b.sha256,
      fileName: b.fileName,
      acceptedCount: b.acceptedCount,
      rejectedCount: b.rejectedCount,
      createdAt: b.createdAt.toISOString(),
      readyAt: b.readyAt?.toISOString() ?? null,
      acknowledgedAt: b.acknowledgedAt?.toISOString() ?? null,
    };
  }
}
