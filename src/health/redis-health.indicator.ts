import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { redisOptionsFromUrl } from '../queue/redis-options';
import { withDeadline } from '../common/with-deadline';

/** Pings Redis on its own connection that fails fast instead of queueing commands while offline. */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly client: Redis;

  constructor(
    config: AppConfig,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.client = new Redis({
      ...redisOptionsFromUrl(config.REDIS_URL),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.client.on('error', () => undefined);
  }

  async check(key: string) {
    const up = this.indicator.check(key);
    try {
      if (this.client.status === 'wait') await this.client.connect();
      await withDeadline(this.client.ping(), 1000, () => new Error('timeout'));
      return up.up();
    } catch (e) {
      return up.down({ message: e instanceof Error ? e.message : 'unreachable' });
    }
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
