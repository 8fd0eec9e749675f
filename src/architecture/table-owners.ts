/**
 * Which module (folder under src/) owns each table: only the owner issues SQL or ORM calls that
 * write it; other modules call the operations the owner exports. Reading another module's table in
 * a report is allowed. Checked by table-ownership.spec.ts; drawn in docs/architecture.md.
 */
export const TABLE_OWNERS: Record<string, string> = {
  providers: 'catalog',
  models: 'catalog',
  model_rates: 'catalog',
  plans: 'catalog',
  packs: 'catalog',
  accounts: 'accounts',
  subscriptions: 'subscriptions',
  members: 'subscriptions',
  cycles: 'subscriptions',
  buckets: 'subscriptions',
  member_cycle_usage: 'subscriptions',
  usage_ledger: 'usage',
  provider_usage_parts: 'usage',
  usage_event_ids: 'usage',
  rejected_usage: 'usage',
  charges: 'charges',
  // Registered by ChargeWriter in the statement that inserts an invoice's first charge.
  invoices: 'charges',
  // Appended by the triggers of migration 1764500100000 (charges, cycles, invoices); pruned by InvoiceChangeLog.
  invoice_changes: 'invoices',
  invoice_change_pruning: 'invoices',
  rating_runs: 'rating',
  rating_run_chunks: 'rating',
  settlement_batches: 'settlement',
  reservations: 'reservations',
  topups: 'topups',
  alerts: 'alerts',
  webhooks: 'webhooks',
  webhook_deliveries: 'webhooks',
  webhook_delivery_attempts: 'webhooks',
  api_keys: 'access',
  audit_log: 'audit',
  idempotency_keys: 'common',
};
