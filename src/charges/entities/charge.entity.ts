import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

export type ChargeType = 'RECURRING' | 'OVERAGE' | 'TOPUP' | 'ADJUSTMENT';
export type ChargeStatus = 'PENDING' | 'EXPORTED' | 'ACCEPTED' | 'REJECTED';

/** A line on the customer's phone bill. Amounts are tax-inclusive fen; `taxFen` is the tax contained. */
@Entity('charges')
export class Charge {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Creation order, for settlement batches and stable listing. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: bigintTransformer })
  seq: number;

  @Column('uuid')
  accountId: string;

  @Column()
  accountExternalRef: string;

  @Column({ type: 'uuid', nullable: true })
  subscriptionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  cycleId: string | null;

  @Column()
  billingPeriod: string;

  @Column({ type: 'text' })
  type: ChargeType;

  @Column()
  description: string;

  @Column({ type: 'bigint', nullable: true, transformer: bigintTransformer })
  quantity: number | null;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  amountFen: number;

  @Column({ type: 'int' })
  taxRateBp: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  taxFen: number;

  @Column()
  currency: string;

  @Column({ type: 'text' })
  status: ChargeStatus;

  @Column({ type: 'text', nullable: true })
  rejectionReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  settlementBatchId: string | null;

  @Column({ type: 'text', nullable: true })
  sourceRef: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
