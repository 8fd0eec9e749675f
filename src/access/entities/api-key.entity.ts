import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  name: string;

  @Column()
  role: string;

  /** First characters of the secret, to recognise a key in lists without revealing it. */
  @Column()
  secretPrefix: string;

  /** SHA-256 of the secret: secrets are 256-bit random, so a fast hash is enough and keeps auth cheap. */
  @Column({ select: false })
  secretHash: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Registered from ADMIN_API_KEY; revoked when a start finds another value there. */
  @Column({ default: false, select: false })
  bootstrap: boolean;
}
