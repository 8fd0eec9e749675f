import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { UsageEventsController } from '../usage/usage-events.controller';
import { UsageMetrics } from './usage-metrics';

/**
 * Counts accepted usage events from the ingest endpoint's 202 answers, without touching the
 * ingest code: a request refused (400, 429, 503) never reaches `tap` and accepts nothing.
 */
@Injectable()
export class ApiMetricsInterceptor implements NestInterceptor {
  constructor(private readonly usage: UsageMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getClass() !== UsageEventsController) return next.handle();
    return next.handle().pipe(
      tap((body) => {
        const accepted = (body as { accepted?: unknown } | undefined)?.accepted;
        if (typeof accepted === 'number') this.usage.eventsAccepted(accepted);
      }),
    );
  }
}
