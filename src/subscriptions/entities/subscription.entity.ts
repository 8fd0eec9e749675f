import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type SubscriptionStatus = 'active' | 'suspended' | 'cancelled' | 'ended';

@Entity('subscriptions')
export class Subscription {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  accountId: string;

  @Column()
  planCode: string;

  /** Takes effect when the current cycle rolls. */
  @Column({ type: 'text', nullable: true })
  pendingPlanCode: string | null;

  @Column({ type: 'text' })
  status: SubscriptionStatus;

  @Column({ type: 'timestamptz' })
  startAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  /** The open cycle; null once the subscription has ended. */
  @Column({ type: 'uuid', nullable: true })
  currentCycleId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
