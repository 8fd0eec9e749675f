import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

/**
 * One effective-dated rate version of a model. The version created with the model is in force
 * from the beginning of time: stored with `effectiveFrom` = the Unix epoch (BEGINNING_OF_TIME),
 * shown in the API as null. The version in force at t is the latest with effectiveFrom <= t.
 */
export const BEGINNING_OF_TIME = new Date(0);

@Entity('model_rates')
export class ModelRate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  modelCode: string;

  @Column({ type: 'timestamptz' })
  effectiveFrom: Date;

  /** Weight × 10^4. */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  inputWeightScaled: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  outputWeightScaled: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  providerInputPricePerMillionFen: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  providerOutputPricePerMillionFen: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
