import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RatingRunStatus = 'queued' | 'running' | 'completed' | 'failed';

@Entity('rating_runs')
export class RatingRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  period: string;

  /** Cycles that ended at or before this instant are rated by the run. */
  @Column({ type: 'timestamptz' })
  periodEnd: Date;

  @Column({ type: 'text' })
  status: RatingRunStatus;

  @Column({ type: 'int' })
  total: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
