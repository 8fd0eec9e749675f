import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

export type CycleStatus = 'open' | 'closed' | 'rated';

/**
 * One billing cycle of a subscription. `feeFen` and `allowanceCredits` are fixed when the cycle
 * opens (prorated for a first cycle) and are what the bill run charges, whatever happens later.
 */
@Entity('cycles')
export class Cycle {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  subscriptionId: string;

  @Column()
  period: string;

  @Column({ type: 'timestamptz' })
  startAt: Date;

  /** Natural end (the next month's 1st 00:00 in the billing zone). */
  @Column({ type: 'timestamptz' })
  endAt: Date;

  @Column()
  planCode: string;

  @Column()
  firstCycle: boolean;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  feeFen: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  allowanceCredits: number;

  @Column({ type: 'text' })
  status: CycleStatus;

  /** When it actually closed: its end, or the moment of a termination. */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintTransformer })
  unusedPlanCredits: number | null;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  overageCredits: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  unbilledCredits: number;

  @Column({ type: 'timestamptz', nullable: true })
  ratedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
