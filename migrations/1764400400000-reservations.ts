import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reservations: credits held by an authorization until its usage event settles them, someone
 * releases them, or they expire. A hold is money in flight, so it lives here and survives restarts.
 *
 * `held_credits(at)` is the one definition of "what is held at `at`": open (not closed) and not yet
 * expired. Every reader of "what can this subscription spend now" sums it; a hold past its expiry
 * stops counting at once, whether or not the expiry job has closed it yet. It is a plain SQL
 * function, which the planner inlines, so a filter on subscription_id reaches the partial index.
 * Its sums are numeric, not bigint: holds on an uncapped payg plan are unbounded, and a sum must
 * never fail the statement that every authorization of the pool runs.
 */
export class Reservations1764400400000 implements MigrationInterface {
  name = 'Reservations1764400400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reservations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        subscriber_id text NOT NULL,
        model text NOT NULL,
        credits bigint NOT NULL CHECK (credits > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        closed_at timestamptz,
        closed_as text CHECK (closed_as IN ('settled', 'released', 'expired')),
        settled_event_id text,
        CHECK ((closed_at IS NULL) = (closed_as IS NULL))
      )`);
    await q.query(`
      CREATE INDEX reservations_open_idx ON reservations (subscription_id, subscriber_id)
        INCLUDE (credits, expires_at) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX reservations_open_expiry_idx ON reservations (expires_at) WHERE closed_at IS NULL`);
    await q.query(`
      CREATE FUNCTION held_credits(p_at timestamptz)
        RETURNS TABLE (subscription_id uuid, subscriber_id text, credits numeric)
        LANGUAGE sql STABLE AS $$
          SELECT r.subscription_id, r.subscriber_id, SUM(r.credits)
            FROM reservations r
           WHERE r.closed_at IS NULL AND r.expires_at > p_at
           GROUP BY r.subscription_id, r.subscriber_id
        $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION held_credits(timestamptz)`);
    await q.query(`DROP TABLE reservations`);
  }
}
