import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

/** A time-bounded membership [addedAt, removedAt) of a subscriberId in a subscription's pool. */
@Entity('members')
export class Member {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  subscriptionId: string;

  @Column()
  subscriberId: string;

  @Column({ type: 'bigint', nullable: true, transformer: bigintTransformer })
  monthlyCapCredits: number | null;

  @Column({ type: 'timestamptz' })
  addedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}
