import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { cycleCharges } from '../billing-rules';
import { ChargeWriter, NewCharge, WrittenCharge } from '../charges/charge-writer';
import { CycleRoller } from '../subscriptions/cycle-roller.service';
import { ClosedCyclesWriter, RatedCycle } from '../subscriptions/closed-cycles.writer';
import { SUBSCRIPTION_COLUMNS, SubscriptionRow, subscriptionFromRow } from '../subscriptions/subscription-row';
import { dbInt, dbIntOrNull } from '../database/db-integer';

export interface RatedSlice {
  charges: WrittenCharge[];
  errors: { subscriptionId: string; message: string }[];
}

/**
 * Rates a slice of subscriptions in one transaction: lock them in id order, roll those whose cycle
 * ended by the period's end (through the one CycleRoller), then charge every closed, unrated cycle
 * with set-based writes and mark those cycles rated. The (cycle, type) unique index makes a redo
 * after a crash create nothing twice.
 */
@Injectable()
export class CycleRater {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roller: CycleRoller,
    private readonly charges: ChargeWriter,
    private readonly closedCycles: ClosedCyclesWriter,
  ) {}

  async rateSlice(subscriptionIds: string[], periodEnd: Date, onCommit: (em: EntityManager, r: RatedSlice) => Promise<void>): Promise<RatedSlice> {
    return this.dataSource.transaction(async (em) => {
      const ids = [...subscriptionIds].sort();
      // Every statement of a slice reaches its rows through an index, by id: a probe per row, all in
      // cache. The default random_page_cost (4, a disk seek) makes a few thousand probes look dearer
      // than scanning whole tables, which then costs O(table) per slice and O(N²) for the run.
      await em.query(`SET LOCAL random_page_cost = 1.1`);
      // Lock every subscription of the slice (not only those to roll), so a concurrent usage batch
      // cannot close a cycle between our roll and our read of closed cycles. The state is read by
      // a second statement: one that waited for the locks would see its joins as they were before.
      await em.query(`SELECT id FROM subscriptions WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
      // The subscriptions to roll come back with this read, as plain rows: no entity loading.
      const locked: (SubscriptionRow & { needs_roll: boolean })[] = await em.query(
        `SELECT ${SUBSCRIPTION_COLUMNS}, COALESCE(c.end_at <= $2, false) AS needs_roll
         FROM subscriptions s LEFT JOIN cycles c ON c.id = s.current_cycle_id
         WHERE s.id = ANY($1::uuid[]) ORDER BY s.id`,
        [ids, periodEnd.toISOString()],
      );
      const toRoll = locked.filter((l) => l.needs_roll).map(subscriptionFromRow);
      if (toRoll.length) await this.roller.rollLockedMany(em, toRoll, periodEnd);
      // Marked rated and charged in the same transaction: one commits only with the other.
      const cycles = await this.closedCycles.markRated(em, ids, periodEnd);
      const written = await this.charges.writeMany(em, cycles.flatMap(toCharges));
      const result = { charges: written, errors: [] };
      await onCommit(em, result);
      return result;
    });
  }
}

/** The charges of one closed cycle, by the billing rule, with what the charge records name. */
function toCharges(c: RatedCycle): NewCharge[] {
  const base = { accountId: c.account_id, accountExternalRef: c.external_ref, subscriptionId: c.subscription_id, cycleId: c.id, billingPeriod: c.period };
  const lines = cycleCharges({
    feeFen: dbInt(c.fee_fen, 'cycle fee_fen'),
    allowanceCredits: dbInt(c.allowance_credits, 'cycle allowance_credits'),
    overageCredits: dbInt(c.overage_credits, 'cycle overage_credits'),
    overage: {
      mode: c.overage_mode,
      ratePerMillionFen: dbInt(c.overage_rate_per_million_fen, 'plan overage rate'),
      capFen: dbIntOrNull(c.overage_cap_fen, 'plan overage cap'),
    },
  });
  return lines.map((l) => ({
    ...base,
    ...l,
    description: l.type === 'RECURRING' ? `${c.plan_name} monthly fee ${c.period}` : `${c.plan_name} pay-as-you-go ${c.period}`,
  }));
}
