import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AlertKind } from '../../alerts/alert-kinds';

@Entity('webhooks')
export class Webhook {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  url: string;

  @Column({ type: 'text', array: true })
  eventKinds: AlertKind[];

  /** Kept as given, not hashed: every delivery is signed with it. Never read back through the API. */
  @Column({ select: false })
  secret: string;

  @Column()
  secretPrefix: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
