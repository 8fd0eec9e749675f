import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

export type BatchStatus = 'preparing' | 'ready' | 'acknowledged';

/**
 * One settlement file sent to the operator's billing system. `preparing`: its charges are assigned
 * but the file is not known to be complete; `ready`: the file is in the outbox with this sha256;
 * `acknowledged`: the operator answered, every charge is ACCEPTED or REJECTED.
 */
@Entity('settlement_batches')
export class SettlementBatch {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  status: BatchStatus;

  @Column({ type: 'int' })
  recordCount: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  totalAmountFen: number;

  @Column()
  fileName: string;

  @Column({ type: 'text', nullable: true })
  sha256: string | null;

  @Column({ type: 'int', nullable: true })
  acceptedCount: number | null;

  @Column({ type: 'int', nullable: true })
  rejectedCount: number | null;

  @Column({ type: 'timestamptz', insert: false, update: false })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readyAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;
}
