import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type CatalogStatus = 'active' | 'retired';

@Entity('models')
export class Model {
  @PrimaryColumn()
  code: string;

  @Column()
  providerCode: string;

  @Column({ type: 'text' })
  status: CatalogStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
