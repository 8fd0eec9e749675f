import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

/** One HTTP attempt of a delivery, kept for every generation so the whole history stays visible. */
@Entity('webhook_delivery_attempts')
export class WebhookDeliveryAttempt {
  @PrimaryColumn({ type: 'bigint', insert: false, update: false, transformer: bigintTransformer })
  id: number;

  @Column('uuid')
  deliveryId: string;

  @Column({ type: 'timestamptz' })
  attemptedAt: Date;

  /** Null when no HTTP answer came back (refused, timed out). */
  @Column({ type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'int' })
  durationMs: number;
}
