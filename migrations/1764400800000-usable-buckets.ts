import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `usable_buckets(at)` is the one SQL definition of a bucket that can be drawn on at `at`: valid
 * from at or before it, not yet expired, with credits left (the same rule as isBucketUsable in
 * billing-rules). A plain SQL function, which the planner inlines, so a filter on subscription_id
 * still reaches the buckets index; every reader of "what can this subscription spend now" sums it.
 */
export class UsableBuckets1764400800000 implements MigrationInterface {
  name = 'UsableBuckets1764400800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION usable_buckets(p_at timestamptz) RETURNS SETOF buckets
        LANGUAGE sql STABLE AS $$
          SELECT b.* FROM buckets b WHERE b.valid_from <= p_at AND b.expires_at > p_at AND b.remaining_credits > 0
        $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION usable_buckets(timestamptz)`);
  }
}
