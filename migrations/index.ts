import { Foundation1764300000000 } from './1764300000000-foundation';
import { CatalogSubscriptions1764300100000 } from './1764300100000-catalog-subscriptions';
import { UsageLedger1764300200000 } from './1764300200000-usage-ledger';
import { Authorization1764300300000 } from './1764300300000-authorization';
import { Charges1764300400000 } from './1764300400000-charges';
import { RatingRuns1764300450000 } from './1764300450000-rating-runs';
import { TopupsAlertsWebhooks1764300500000 } from './1764300500000-topups-alerts-webhooks';
import { Settlement1764300600000 } from './1764300600000-settlement';
import { IngestWritePath1764300700000 } from './1764300700000-ingest-write-path';
import { UnrecordableUsage1764400200000 } from './1764400200000-unrecordable-usage';
import { Reservations1764400400000 } from './1764400400000-reservations';
import { BootstrapKeyFlag1764400500000 } from './1764400500000-bootstrap-key-flag';
import { UsableBuckets1764400800000 } from './1764400800000-usable-buckets';
import { InvoiceChanges1764500100000 } from './1764500100000-invoice-changes';
import { ProviderUsageParts1764500200000 } from './1764500200000-provider-usage-parts';
import { ListOrderIndexes1764500300000 } from './1764500300000-list-order-indexes';

/** Every migration in order; listed explicitly so the app, the CLI and the tests load the same set. */
export const MIGRATIONS = [
  Foundation1764300000000,
  CatalogSubscriptions1764300100000,
  UsageLedger1764300200000,
  Authorization1764300300000,
  Charges1764300400000,
  RatingRuns1764300450000,
  TopupsAlertsWebhooks1764300500000,
  Settlement1764300600000,
  IngestWritePath1764300700000,
  UnrecordableUsage1764400200000,
  Reservations1764400400000,
  BootstrapKeyFlag1764400500000,
  UsableBuckets1764400800000,
  InvoiceChanges1764500100000,
  ProviderUsageParts1764500200000,
  ListOrderIndexes1764500300000,
];
