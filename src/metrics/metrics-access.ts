import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../access/api-keys.service';
import { AppConfig } from '../config/app-config';
import { MetricsAllowList } from './metrics-allow-list';

/**
 * Who may read /metrics: any peer METRICS_ALLOW lists, without a key (a Prometheus server on the
 * deployment's network); anyone else only with an admin or billing API key. The peer is the TCP
 * peer address, never X-Forwarded-For, which a client could write itself.
 */
@Injectable()
export class MetricsAccess {
  private readonly allowList: MetricsAllowList;

  constructor(
    config: AppConfig,
    private readonly keys: ApiKeysService,
  ) {
    this.allowList = MetricsAllowList.parse(config.METRICS_ALLOW);
  }

  peerAllowed(address: string | undefined): boolean {
    return this.allowList.allows(address);
  }

  async keyAllowed(authorization: string | undefined): Promise<boolean> {
    const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match) return false;
    const principal = await this.keys.authenticate(match[1]);
    return principal?.kind === 'admin' || principal?.kind === 'billing';
  }
}
