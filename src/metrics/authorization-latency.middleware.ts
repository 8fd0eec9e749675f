import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/** The authorization latency histogram; a provider of its own, since Nest builds middleware apart. */
@Injectable()
export class AuthorizationLatency {
  readonly seconds: Histogram<'status'>;

  constructor(metrics: MetricsRegistry) {
    this.seconds = new Histogram({
      name: 'tpb_authorization_duration_seconds',
      help: 'Time to answer one POST /v1/authorize, by HTTP status',
      labelNames: ['status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
  }
}

/**
 * Times each POST /v1/authorize from the request reaching the router to the last byte of the
 * answer: API-key check, validation and the decision included, as the gateway waits for all of it.
 */
@Injectable()
export class AuthorizationLatencyMiddleware implements NestMiddleware {
  constructor(private readonly latency: AuthorizationLatency) {}

  use(_req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    res.once('finish', () => this.latency.seconds.observe({ status: String(res.statusCode) }, Number(process.hrtime.bigint() - start) / 1e9));
    next();
  }
}
