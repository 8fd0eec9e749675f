import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { DomainException } from '../http/domain.exception';

/**
 * Bounds how many heavy read requests (summaries, statements, invoice pages) a process runs at
 * once, so they can never hold every pooled connection or every database core that authorization
 * and ingest need. A few more wait their turn; beyond that a caller is told 503 to come back.
 */
@Injectable()
export class ReportGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly max: number;
  private readonly maxWaiting: number;

  constructor(config: AppConfig) {
    this.max = config.REPORT_CONCURRENCY;
    this.maxWaiting = config.REPORT_QUEUE_LIMIT;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  get inFlight(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  private acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) {
      throw new DomainException(503, 'REPORTS_BUSY', `Too many reports are running (REPORT_CONCURRENCY ${this.max}); retry shortly`);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
