import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

export type BucketKind = 'rollover' | 'plan' | 'topup';

@Entity('buckets')
export class BucketRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Creation order: "oldest first" among buckets of equal expiry and kind. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: bigintTransformer })
  seq: number;

  @Column('uuid')
  subscriptionId: string;

  @Column('uuid')
  cycleId: string;

  @Column({ type: 'text' })
  kind: BucketKind;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  grantedCredits: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  remainingCredits: number;

  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'text', nullable: true })
  sourceRef: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
