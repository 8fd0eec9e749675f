import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';
import { CatalogStatus } from './model.entity';

export type PlanKind = 'personal' | 'family' | 'business';
export type OverageMode = 'block' | 'payg';

/** Commercial terms are immutable once created; only `name` and `status` ever change. */
@Entity('plans')
export class Plan {
  @PrimaryColumn()
  code: string;

  @Column()
  name: string;

  @Column({ type: 'text' })
  kind: PlanKind;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  monthlyFeeFen: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  allowanceCredits: number;

  /** Model codes, or ['*'] for every model. */
  @Column({ type: 'text', array: true })
  models: string[];

  @Column({ type: 'int' })
  maxMembers: number;

  @Column({ type: 'text' })
  overageMode: OverageMode;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  overageRatePerMillionFen: number;

  @Column({ type: 'bigint', nullable: true, transformer: bigintTransformer })
  overageCapFen: number | null;

  @Column({ type: 'int' })
  rolloverPercent: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  rolloverMaxCredits: number;

  @Column({ type: 'text' })
  status: CatalogStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
