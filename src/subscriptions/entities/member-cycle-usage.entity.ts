import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../../database/bigint.transformer';

/** Credits a member used in a cycle, kept by the usage ledger; what member caps compare against. */
@Entity('member_cycle_usage')
export class MemberCycleUsage {
  @PrimaryColumn('uuid')
  cycleId: string;

  @PrimaryColumn()
  subscriberId: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  usedCredits: number;
}
