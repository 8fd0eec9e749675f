import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type AccountType = 'individual' | 'enterprise';
export type AccountStatus = 'active' | 'closed';

@Entity('accounts')
export class Account {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The operator's billing account number; every exported charge names it. */
  @Column()
  externalRef: string;

  @Column({ type: 'text' })
  type: AccountType;

  @Column()
  name: string;

  @Column({ type: 'text' })
  status: AccountStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
