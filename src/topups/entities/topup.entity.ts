import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

/** One pack purchase: its id is the source_ref of the topup bucket and of the TOPUP charge. */
@Entity('topups')
export class Topup {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  subscriptionId: string;

  @Column('uuid')
  cycleId: string;

  @Column()
  packCode: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  credits: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  priceFen: number;

  @Column('uuid')
  bucketId: string;

  @Column('uuid')
  chargeId: string;

  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
