import { Injectable } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry. One per application instance (not prom-client's global
 * one), so two applications in one process, as in the tests, never share counters.
 * Collectors that read shared state (queues, database) run before each scrape.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly beforeScrape: (() => Promise<void>)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  onScrape(refresh: () => Promise<void>): void {
    this.beforeScrape.push(refresh);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async text(): Promise<string> {
    for (const refresh of this.beforeScrape) await refresh();
    return this.registry.metrics();
  }
}
