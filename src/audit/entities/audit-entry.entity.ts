import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only record of a change made through the API. */
@Entity('audit_log')
export class AuditEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Commit-independent total order of entries; `at` alone ties within a millisecond. */
  @Column({ type: 'bigint', insert: false, select: false })
  seq: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorKeyId: string | null;

  @Column()
  actorName: string;

  @Column()
  actorRole: string;

  @Column()
  action: string;

  @Column()
  entity: string;

  @Column({ type: 'text', nullable: true })
  entityId: string | null;

  @Column({ type: 'jsonb' })
  changes: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  requestId: string | null;
}
