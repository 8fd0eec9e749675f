import { DynamicModule, Module, Type } from '@nestjs/common';
import { AppConfig, AppRole } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { LoggingModule } from './logging/logging.module';
import { ClockModule } from './common/clock/clock';
import { QueueModule } from './queue/queue.module';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { MaintenanceWorkerModule } from './maintenance/maintenance.module';
import { CatalogModule } from './catalog/catalog.module';
import { AccountsModule } from './accounts/accounts.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { UsageModule } from './usage/usage.module';
import { UsageWorkerModule } from './usage/usage-worker.module';
import { ChargesModule } from './charges/charges.module';
import { RatingModule } from './rating/rating.module';
import { RatingWorkerModule } from './rating/rating-worker.module';
import { AuthorizationModule } from './authorization/authorization.module';
import { SettlementModule } from './settlement/settlement.module';
import { SettlementWorkerModule } from './settlement/settlement-worker.module';
import { InvoicesModule } from './invoices/invoices.module';
import { StatementsModule } from './statements/statements.module';
import { TopupsModule } from './topups/topups.module';
import { AlertsModule } from './alerts/alerts.module';
import { AlertsWorkerModule } from './alerts/alerts-worker.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WebhooksWorkerModule } from './webhooks/webhooks-worker.module';
import { VerificationModule } from './verification/verification.module';
import { MetricsModule } from './metrics/metrics.module';
import { LoadModule } from './common/load/load.module';
import { ReservationsModule } from './reservations/reservations.module';
import { ReservationsWorkerModule } from './reservations/reservations-worker.module';

/** Business capabilities: shared by both roles (controllers are only mounted by an HTTP process). */
const DOMAIN_MODULES: Type[] = [
  CatalogModule,
  AccountsModule,
  SubscriptionsModule,
  UsageModule,
  AuthorizationModule,
  ChargesModule,
  RatingModule,
  SettlementModule,
  InvoicesModule,
  StatementsModule,
  TopupsModule,
  AlertsModule,
  WebhooksModule,
  VerificationModule,
  MetricsModule,
  ReservationsModule,
];
/** Modules that serve HTTP only, and modules that run BullMQ processors. */
const API_MODULES: Type[] = [HealthModule];
const WORKER_MODULES: Type[] = [
  MaintenanceWorkerModule,
  UsageWorkerModule,
  RatingWorkerModule,
  SettlementWorkerModule,
  AlertsWorkerModule,
  WebhooksWorkerModule,
  ReservationsWorkerModule,
];

/**
 * One codebase, two roles: `api` serves HTTP, `worker` processes queues, `all` does both.
 * Domain modules are shared; only controllers and processors differ by role.
 */
@Module({})
export class AppModule {
  static forRole(role: AppRole | 'cli', config: AppConfig): DynamicModule {
    const api = role === 'api' || role === 'all';
    const worker = role === 'worker' || role === 'all';
    return {
      module: AppModule,
      imports: [
        ConfigModule.with(config),
        ClockModule,
        LoggingModule,
        DatabaseModule,
        QueueModule,
        IdempotencyModule,
        AccessModule,
        AuditModule,
        LoadModule,
        ...DOMAIN_MODULES,
        ...(api ? API_MODULES : []),
        ...(worker ? WORKER_MODULES : []),
      ],
    };
  }
}
