/**
 * Charges and invoices recomputed from what they bill, in the `cmp` shape of
 * ledger-reconciliation.sql.ts. `$1` is the configured tax rate, used only for a charge that is
 * missing (a stored charge keeps the rate it was created with).
 *
 * Expected amounts: RECURRING is the fee fixed on the cycle when it opened; OVERAGE is
 * min(roundHalfUp(overage credits × rate / 1e6), cap) on the cycle's own plan, and exists only
 * for a payg plan with a non-zero amount; TOPUP is the price of the top-up it was sold with; an
 * ADJUSTMENT is what staff typed. Tax is roundHalfUp(|amount| × bp / (10000 + bp)), sign kept,
 * written with integer division: roundHalfUp(a / b) = floor((2a + b) / 2b).
 */
const overageFen = (credits: string, p: string) => `
  CASE WHEN ${p}.overage_mode = 'payg'
       THEN LEAST(div(2 * ${credits}::numeric * ${p}.overage_rate_per_million_fen + 1000000, 2000000), ${p}.overage_cap_fen)
       ELSE 0 END`;

export const taxFen = (amount: string, bp: string) => `(sign(${amount}) * div(2 * abs(${amount})::numeric * ${bp} + 10000 + ${bp}, 2 * (10000 + ${bp})))`;

const EXPECTED_CHARGES = `
  ec AS (
    SELECT ch.id, ch.account_id, ch.billing_period, ch.type, ch.amount_fen, ch.tax_fen, ch.tax_rate_bp, ch.quantity,
      CASE ch.type WHEN 'RECURRING' THEN c.fee_fen::numeric
                   WHEN 'OVERAGE' THEN ${overageFen('c.overage_credits', 'p')}
                   WHEN 'TOPUP' THEN COALESCE(t.price_fen, ch.amount_fen)::numeric
                   ELSE ch.amount_fen::numeric END AS exp_amount,
      CASE ch.type WHEN 'RECURRING' THEN c.allowance_credits
                   WHEN 'OVERAGE' THEN c.overage_credits
                   WHEN 'TOPUP' THEN COALESCE(t.credits, ch.quantity) END AS exp_quantity,
      CASE WHEN ch.type IN ('RECURRING', 'OVERAGE') THEN c.period ELSE ch.billing_period END AS exp_period
    FROM charges ch
    LEFT JOIN cycles c ON c.id = ch.cycle_id
    LEFT JOIN plans p ON p.code = c.plan_code
    LEFT JOIN topups t ON t.charge_id = ch.id),
  missing AS (
    SELECT s.account_id, c.period AS billing_period, c.id AS cycle_id, v.type, v.amount
    FROM cycles c
    JOIN subscriptions s ON s.id = c.subscription_id
    JOIN plans p ON p.code = c.plan_code
    CROSS JOIN LATERAL (VALUES ('RECURRING', c.fee_fen::numeric), ('OVERAGE', ${overageFen('c.overage_credits', 'p')})) AS v(type, amount)
    WHERE c.status = 'rated' AND (v.type = 'RECURRING' OR v.amount <> 0)
      AND NOT EXISTS (SELECT 1 FROM charges x WHERE x.cycle_id = c.id AND x.type = v.type))`;

export const CHARGE_SQL = `
  WITH ${EXPECTED_CHARGES},
  cmp AS (
    SELECT 'charge' AS entity, id::text AS id,
      jsonb_build_object('amountFen', exp_amount::bigint::text, 'quantity', exp_quantity::text, 'billingPeriod', exp_period,
                         'taxFen', ${taxFen('amount_fen', 'tax_rate_bp')}::bigint::text) AS exp,
      jsonb_build_object('amountFen', amount_fen::text, 'quantity', quantity::text, 'billingPeriod', billing_period,
                         'taxFen', tax_fen::text) AS act
    FROM ec
    UNION ALL
    SELECT 'cycle', cycle_id::text || ':' || type, jsonb_build_object('chargeType', type, 'amountFen', amount::bigint::text), NULL::jsonb
    FROM missing)`;

const instant = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * `$2` is the verifier's instant, `$3`/`$4` each billing period and the instant it ends by
 * billing-rules. An invoice's updatedAt is recomputed from what it shows (its latest line update,
 * its account's latest cycle of the period created or rated, the period end once passed) and
 * compared with the latest visible entry of its change log; its stored period end with the rule's.
 */
export const INVOICE_SQL = `
  WITH ${EXPECTED_CHARGES},
  lines AS (
    SELECT account_id, billing_period, exp_amount, ${taxFen('exp_amount', 'tax_rate_bp')} AS exp_tax, amount_fen AS act_amount, tax_fen AS act_tax FROM ec
    UNION ALL
    SELECT account_id, billing_period, amount, ${taxFen('amount', '$1::int')}, 0, 0 FROM missing),
  totals AS (
    SELECT account_id, billing_period, sum(exp_amount) AS exp_total, sum(exp_tax) AS exp_tax, sum(act_amount) AS act_total, sum(act_tax) AS act_tax
    FROM lines GROUP BY 1, 2),
  stamps AS (
    SELECT i.id, i.period_end_at, pe.end_at AS exp_end_at,
      greatest(
        (SELECT max(c.updated_at) FROM charges c WHERE c.account_id = i.account_id AND c.billing_period = i.billing_period),
        (SELECT max(greatest(c.created_at, c.rated_at)) FROM cycles c JOIN subscriptions s ON s.id = c.subscription_id
          WHERE s.account_id = i.account_id AND c.period = i.billing_period),
        CASE WHEN pe.end_at <= $2 THEN pe.end_at END) AS exp_updated_at,
      (SELECT max(ch.at) FROM invoice_changes ch WHERE ch.invoice_id = i.id AND ch.at <= $2) AS act_updated_at
    FROM invoices i LEFT JOIN unnest($3::text[], $4::timestamptz[]) AS pe(period, end_at) ON pe.period = i.billing_period),
  cmp AS (
    SELECT 'invoice' AS entity, COALESCE(i.id::text, tl.account_id::text || ':' || tl.billing_period) AS id,
      jsonb_build_object('registered', 'true', 'totalFen', tl.exp_total::bigint::text, 'taxFen', tl.exp_tax::bigint::text,
                         'periodEndAt', ${instant('st.exp_end_at')}, 'updatedAt', ${instant('st.exp_updated_at')}) AS exp,
      jsonb_build_object('registered', (i.id IS NOT NULL)::text, 'totalFen', tl.act_total::bigint::text, 'taxFen', tl.act_tax::bigint::text,
                         'periodEndAt', ${instant('st.period_end_at')}, 'updatedAt', ${instant('st.act_updated_at')}) AS act
    FROM totals tl
    LEFT JOIN invoices i ON i.account_id = tl.account_id AND i.billing_period = tl.billing_period
    LEFT JOIN stamps st ON st.id = i.id
    UNION ALL
    SELECT 'invoice', i.id::text, jsonb_build_object('lines', 'at least one'), jsonb_build_object('lines', 'none')
    FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM charges c WHERE c.account_id = i.account_id AND c.billing_period = i.billing_period))`;
