import { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogSubscriptions1764300100000 implements MigrationInterface {
  name = 'CatalogSubscriptions1764300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE providers (
        code text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE models (
        code text PRIMARY KEY,
        provider_code text NOT NULL REFERENCES providers (code),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // Weights are decimals with 4 fractional digits held as integers × 10^4.
    await q.query(`
      CREATE TABLE model_rates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_code text NOT NULL REFERENCES models (code),
        effective_from timestamptz(3) NOT NULL, -- the first version of a model is stored as 1970-01-01T00:00:00Z
        input_weight_scaled bigint NOT NULL CHECK (input_weight_scaled > 0),
        output_weight_scaled bigint NOT NULL CHECK (output_weight_scaled > 0),
        provider_input_price_per_million_fen bigint NOT NULL CHECK (provider_input_price_per_million_fen >= 0),
        provider_output_price_per_million_fen bigint NOT NULL CHECK (provider_output_price_per_million_fen >= 0),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (model_code, effective_from)
      )`);
    await q.query(`
      CREATE TABLE plans (
        code text PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('personal', 'family', 'business')),
        monthly_fee_fen bigint NOT NULL CHECK (monthly_fee_fen >= 0),
        allowance_credits bigint NOT NULL CHECK (allowance_credits >= 0),
        models text[] NOT NULL CHECK (cardinality(models) >= 1),
        max_members int NOT NULL CHECK (max_members >= 1),
        overage_mode text NOT NULL CHECK (overage_mode IN ('block', 'payg')),
        overage_rate_per_million_fen bigint NOT NULL CHECK (overage_rate_per_million_fen >= 0),
        overage_cap_fen bigint CHECK (overage_cap_fen >= 0),
        rollover_percent int NOT NULL CHECK (rollover_percent BETWEEN 0 AND 100),
        rollover_max_credits bigint NOT NULL CHECK (rollover_max_credits >= 0),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE packs (
        code text PRIMARY KEY,
        name text NOT NULL,
        price_fen bigint NOT NULL CHECK (price_fen >= 0),
        credits bigint NOT NULL CHECK (credits > 0),
        validity_kind text NOT NULL CHECK (validity_kind IN ('cycle', 'days')),
        validity_days int CHECK ((validity_kind = 'days') = (validity_days IS NOT NULL) AND (validity_days IS NULL OR validity_days >= 1)),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_ref text NOT NULL UNIQUE,
        type text NOT NULL CHECK (type IN ('individual', 'enterprise')),
        name text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts (id),
        plan_code text NOT NULL REFERENCES plans (code),
        pending_plan_code text REFERENCES plans (code),
        status text NOT NULL CHECK (status IN ('active', 'suspended', 'cancelled', 'ended')),
        start_at timestamptz(3) NOT NULL,
        ended_at timestamptz(3),
        current_cycle_id uuid,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX subscriptions_account_idx ON subscriptions (account_id)`);
    await q.query(`
      CREATE TABLE cycles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        period text NOT NULL,
        start_at timestamptz(3) NOT NULL,
        end_at timestamptz(3) NOT NULL CHECK (end_at > start_at),
        plan_code text NOT NULL REFERENCES plans (code),
        first_cycle boolean NOT NULL,
        fee_fen bigint NOT NULL CHECK (fee_fen >= 0),
        allowance_credits bigint NOT NULL CHECK (allowance_credits >= 0),
        status text NOT NULL CHECK (status IN ('open', 'closed', 'rated')),
        closed_at timestamptz(3),
        unused_plan_credits bigint,
        overage_credits bigint NOT NULL DEFAULT 0 CHECK (overage_credits >= 0),
        unbilled_credits bigint NOT NULL DEFAULT 0 CHECK (unbilled_credits >= 0),
        rated_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, start_at)
      )`);
    // A subscription has at most one open cycle: the roll can never open two, however many race.
    await q.query(`CREATE UNIQUE INDEX cycles_one_open_uq ON cycles (subscription_id) WHERE status = 'open'`);
    await q.query(`CREATE INDEX cycles_due_idx ON cycles (end_at) WHERE status <> 'rated'`);
    await q.query(`ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_current_cycle_fk FOREIGN KEY (current_cycle_id) REFERENCES cycles (id)`);
    await q.query(`
      CREATE TABLE buckets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        cycle_id uuid NOT NULL REFERENCES cycles (id),
        kind text NOT NULL CHECK (kind IN ('rollover', 'plan', 'topup')),
        granted_credits bigint NOT NULL CHECK (granted_credits >= 0),
        remaining_credits bigint NOT NULL CHECK (remaining_credits >= 0 AND remaining_credits <= granted_credits),
        valid_from timestamptz(3) NOT NULL,
        expires_at timestamptz(3) NOT NULL CHECK (expires_at > valid_from),
        source_ref text,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // One plan bucket and at most one rollover bucket per cycle: a repeated roll cannot grant twice.
    await q.query(`CREATE UNIQUE INDEX buckets_cycle_grant_uq ON buckets (cycle_id, kind) WHERE kind IN ('plan', 'rollover')`);
    await q.query(`CREATE INDEX buckets_subscription_idx ON buckets (subscription_id, expires_at)`);
    await q.query(`
      CREATE TABLE members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        subscriber_id text NOT NULL,
        monthly_cap_credits bigint CHECK (monthly_cap_credits >= 0),
        added_at timestamptz(3) NOT NULL,
        removed_at timestamptz(3),
        CHECK (removed_at IS NULL OR removed_at >= added_at)
      )`);
    // A subscriberId belongs to one subscription at any instant; memberships never overlap in time.
    await q.query(`
      ALTER TABLE members ADD CONSTRAINT members_no_overlap
      EXCLUDE USING gist (subscriber_id WITH =, tstzrange(added_at, removed_at, '[)') WITH &&)`);
    await q.query(`CREATE UNIQUE INDEX members_current_uq ON members (subscriber_id) WHERE removed_at IS NULL`);
    await q.query(`CREATE INDEX members_subscription_idx ON members (subscription_id)`);
    await q.query(`
      CREATE TABLE member_cycle_usage (
        cycle_id uuid NOT NULL REFERENCES cycles (id),
        subscriber_id text NOT NULL,
        used_credits bigint NOT NULL DEFAULT 0 CHECK (used_credits >= 0),
        PRIMARY KEY (cycle_id, subscriber_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['member_cycle_usage', 'members', 'buckets']) await q.query(`DROP TABLE ${t}`);
    await q.query(`ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_current_cycle_fk`);
    for (const t of ['cycles', 'subscriptions', 'accounts', 'packs', 'plans', 'model_rates', 'models', 'providers']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
