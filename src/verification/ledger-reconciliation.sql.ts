/**
 * The set-based checks, each a SQL text defining `cmp(entity, id, exp, act)`: one row per entity
 * compared, `exp` recomputed from the source of truth and `act` as stored, both as jsonb objects
 * of decimal text (exact for bigints). `act` is null when the stored entity is missing.
 *
 * What is recomputed from what (SPEC §5, §6): a bucket's remaining credits from its grant minus the
 * draws the ledger records against it (expiry never changes remaining credits; a top-up bucket's
 * grant from its top-up); an entry's credits from its tokens and rate version, and its bucket
 * credits from its own draws; a cycle's overage and unbilled credits, and a member's used credits
 * in a cycle, from the ledger rows attributed to that cycle.
 */
export const BUCKET_BALANCE_SQL = `
  WITH drawn AS (
    SELECT (d->>'bucketId')::uuid AS bucket_id, sum((d->>'credits')::bigint) AS credits
    FROM usage_ledger l CROSS JOIN LATERAL jsonb_array_elements(l.draws) AS d
    GROUP BY 1),
  cmp AS (
    SELECT 'bucket' AS entity, COALESCE(b.id, dr.bucket_id)::text AS id,
      CASE WHEN b.id IS NULL THEN jsonb_build_object('drawnCredits', dr.credits::text)
           ELSE jsonb_build_object(
             'grantedCredits', COALESCE(t.credits, b.granted_credits)::text,
             'remainingCredits', (COALESCE(t.credits, b.granted_credits) - COALESCE(dr.credits, 0))::text) END AS exp,
      CASE WHEN b.id IS NULL THEN NULL
           ELSE jsonb_build_object('grantedCredits', b.granted_credits::text, 'remainingCredits', b.remaining_credits::text) END AS act
    FROM buckets b
    LEFT JOIN topups t ON t.bucket_id = b.id
    FULL JOIN drawn dr ON dr.bucket_id = b.id)`;

export const LEDGER_ENTRY_SQL = `
  WITH cmp AS (
    SELECT 'usage-ledger' AS entity, l.event_id AS id,
      jsonb_build_object(
        'credits', ceil((l.input_tokens::numeric * r.input_weight_scaled + l.output_tokens::numeric * r.output_weight_scaled) / 10000)::bigint::text,
        'bucketCredits', d.drawn::text) AS exp,
      jsonb_build_object('credits', l.credits::text, 'bucketCredits', l.bucket_credits::text) AS act
    FROM usage_ledger l
    LEFT JOIN model_rates r ON r.id = l.rate_id
    CROSS JOIN LATERAL (SELECT COALESCE(sum((x->>'credits')::bigint), 0) AS drawn FROM jsonb_array_elements(l.draws) AS x) d)`;

export const CYCLE_USAGE_SQL = `
  WITH used AS (
    SELECT cycle_id, sum(overage_credits) AS overage, sum(unbilled_credits) AS unbilled
    FROM usage_ledger WHERE cycle_id IS NOT NULL GROUP BY 1),
  cmp AS (
    SELECT 'cycle' AS entity, COALESCE(c.id, u.cycle_id)::text AS id,
      jsonb_build_object('overageCredits', COALESCE(u.overage, 0)::text, 'unbilledCredits', COALESCE(u.unbilled, 0)::text) AS exp,
      CASE WHEN c.id IS NULL THEN NULL
           ELSE jsonb_build_object('overageCredits', c.overage_credits::text, 'unbilledCredits', c.unbilled_credits::text) END AS act
    FROM cycles c FULL JOIN used u ON u.cycle_id = c.id)`;

export const MEMBER_USAGE_SQL = `
  WITH used AS (
    SELECT cycle_id, subscriber_id, sum(credits) AS credits
    FROM usage_ledger WHERE cycle_id IS NOT NULL GROUP BY 1, 2),
  cmp AS (
    SELECT 'member-cycle-usage' AS entity,
      COALESCE(m.cycle_id, u.cycle_id)::text || ':' || COALESCE(m.subscriber_id, u.subscriber_id) AS id,
      jsonb_build_object('usedCredits', COALESCE(u.credits, 0)::text) AS exp,
      jsonb_build_object('usedCredits', COALESCE(m.used_credits, 0)::text) AS act
    FROM member_cycle_usage m
    FULL JOIN used u ON u.cycle_id = m.cycle_id AND u.subscriber_id = m.subscriber_id)`;

/**
 * A (model, rate version, period)'s provider usage parts against the ledger rows of that key:
 * requests, input and output tokens. Parameters: $1 the periods and $2 their starts covering every
 * ledger row (billing-rules' periodsSpanning), so each row's period follows the same rule as the
 * usage writer's (width_bucket over the starts), not a second time-zone rule in SQL.
 */
export const PROVIDER_USAGE_SQL = `
  WITH led AS (
    SELECT model_code, rate_id, ($1::text[])[width_bucket(occurred_at, $2::timestamptz[])] AS period,
      count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens
    FROM usage_ledger GROUP BY 1, 2, 3),
  parts AS (
    SELECT model_code, rate_id, period, sum(requests) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens
    FROM provider_usage_parts GROUP BY 1, 2, 3),
  cmp AS (
    SELECT 'provider-usage' AS entity,
      COALESCE(p.period, l.period) || ':' || COALESCE(p.model_code, l.model_code) || ':' || COALESCE(p.rate_id, l.rate_id)::text AS id,
      jsonb_build_object('requests', COALESCE(l.requests, 0)::text, 'inputTokens', COALESCE(l.input_tokens, 0)::text,
        'outputTokens', COALESCE(l.output_tokens, 0)::text) AS exp,
      CASE WHEN p.model_code IS NULL THEN NULL
           ELSE jsonb_build_object('requests', p.requests::text, 'inputTokens', p.input_tokens::text, 'outputTokens', p.output_tokens::text) END AS act
    FROM parts p
    FULL JOIN led l ON l.model_code = p.model_code AND l.rate_id = p.rate_id AND l.period = p.period)`;
