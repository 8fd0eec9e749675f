import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AlertKind } from '../alert-kinds';

/** A usage alert, stored once per (subscription, cycle, kind, subject). */
@Entity('alerts')
export class Alert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  subscriptionId: string;

  @Column('uuid')
  cycleId: string;

  @Column({ type: 'text' })
  kind: AlertKind;

  /** What the alert is about inside the subscription (a subscriberId, a bucket id); null for the whole pool. */
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
