import { ApiKey } from '../access/entities/api-key.entity';
import { AuditEntry } from '../audit/entities/audit-entry.entity';
import { IdempotencyRecord } from '../common/idempotency/entities/idempotency-record.entity';
import { Model } from '../catalog/entities/model.entity';
import { ModelRate } from '../catalog/entities/model-rate.entity';
import { Pack } from '../catalog/entities/pack.entity';
import { Plan } from '../catalog/entities/plan.entity';
import { Provider } from '../catalog/entities/provider.entity';
import { Account } from '../accounts/entities/account.entity';
import { Charge } from '../charges/entities/charge.entity';
import { RatingRun } from '../rating/entities/rating-run.entity';
import { SettlementBatch } from '../settlement/entities/settlement-batch.entity';
import { BucketRow } from '../subscriptions/entities/bucket.entity';
import { Cycle } from '../subscriptions/entities/cycle.entity';
import { Member } from '../subscriptions/entities/member.entity';
import { MemberCycleUsage } from '../subscriptions/entities/member-cycle-usage.entity';
import { Subscription } from '../subscriptions/entities/subscription.entity';
import { Topup } from '../topups/entities/topup.entity';
import { Alert } from '../alerts/entities/alert.entity';
import { Webhook } from '../webhooks/entities/webhook.entity';
import { WebhookDelivery } from '../webhooks/entities/webhook-delivery.entity';
import { WebhookDeliveryAttempt } from '../webhooks/entities/webhook-delivery-attempt.entity';

/** Every entity, listed once for the app and the TypeORM CLI alike. */
export const ENTITIES = [
  ApiKey,
  AuditEntry,
  IdempotencyRecord,
  Provider,
  Model,
  ModelRate,
  Plan,
  Pack,
  Account,
  Subscription,
  Cycle,
  BucketRow,
  Member,
  MemberCycleUsage,
  Charge,
  SettlementBatch,
  RatingRun,
  Topup,
  Alert,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryAttempt,
];
