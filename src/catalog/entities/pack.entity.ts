import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';
import { CatalogStatus } from './model.entity';

export type PackValidityKind = 'cycle' | 'days';

@Entity('packs')
export class Pack {
  @PrimaryColumn()
  code: string;

  @Column()
  name: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  priceFen: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  credits: number;

  @Column({ type: 'text' })
  validityKind: PackValidityKind;

  @Column({ type: 'int', nullable: true })
  validityDays: number | null;

  @Column({ type: 'text' })
  status: CatalogStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
