import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from '../access/roles.decorator';
import { DomainException } from '../common/http/domain.exception';
import { MetricsAccess } from './metrics-access';
import { MetricsRegistry } from './metrics-registry';

/** Prometheus text format at /metrics (outside /v1, like /health); access as MetricsAccess says. */
@ApiExcludeController()
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly access: MetricsAccess,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.access.peerAllowed(req.socket.remoteAddress) && !(await this.access.keyAllowed(req.headers.authorization))) {
      throw new DomainException(403, 'FORBIDDEN', 'Metrics are readable from the addresses METRICS_ALLOW lists, or with an admin or billing API key');
    }
    res.type(this.metrics.contentType).send(await this.metrics.text());
  }
}
