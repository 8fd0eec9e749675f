import { Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessModule } from '../access/access.module';
import { ApiMetricsInterceptor } from './api-metrics.interceptor';
import { AuthorizationLatency, AuthorizationLatencyMiddleware } from './authorization-latency.middleware';
import { MetricsAccess } from './metrics-access';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { StateGauges } from './state-gauges';
import { UsageMetrics } from './usage-metrics';
import { WorkerMetricsServer } from './worker-metrics-server';

/**
 * Prometheus metrics (SPEC §15). Global so the usage worker can count what it records with one
 * call; the API side is counted from outside the handlers (an interceptor and a middleware).
 */
@Global()
@Module({
  imports: [AccessModule],
  providers: [
    MetricsRegistry,
    UsageMetrics,
    StateGauges,
    MetricsAccess,
    WorkerMetricsServer,
    AuthorizationLatency,
    { provide: APP_INTERCEPTOR, useClass: ApiMetricsInterceptor },
  ],
  controllers: [MetricsController],
  exports: [UsageMetrics, MetricsRegistry],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthorizationLatencyMiddleware).forRoutes({ path: 'v1/authorize', method: RequestMethod.POST });
  }
}
