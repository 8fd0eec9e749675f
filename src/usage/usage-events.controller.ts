import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { Response } from 'express';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { NotAudited } from '../audit/audited.decorator';
import { DomainException } from '../common/http/domain.exception';
import { AcceptedView, UsageBatchDto } from './dto/usage-event.dto';
import { UsageBatchPipe } from './usage-batch.pipe';
import { UsageBacklogFull, UsageEnqueuer } from './usage-enqueuer.service';
import { RETRY_AFTER_SECONDS } from './usage-backlog';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/usage-events')
@Roles('gateway', 'admin', 'billing')
@NotAudited()
export class UsageEventsController {
  constructor(private readonly enqueuer: UsageEnqueuer) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Enqueue 1..1000 usage events; each is recorded exactly once by the worker' })
  @ApiAcceptedResponse({ type: AcceptedView })
  @ApiResponse({ status: 429, description: 'The usage queue is past its bound; none of the events was accepted; send them again after Retry-After seconds' })
  @ApiResponse({ status: 503, description: 'Redis did not take the events in time; send them again (same eventIds: always safe)' })
  @ApiBody({ type: UsageBatchDto })
  // Typed `unknown` so the global validation pipe leaves it to UsageBatchPipe (same rules, faster).
  async ingest(@Body(UsageBatchPipe) body: unknown, @Res({ passthrough: true }) res: Response): Promise<AcceptedView> {
    const batch = body as UsageBatchDto;
    try {
      await this.enqueuer.admit();
      await this.enqueuer.enqueue(batch.events);
    } catch (e) {
      if (e instanceof UsageBacklogFull) {
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        throw new DomainException(429, 'USAGE_BACKLOG_FULL', `Ingest is saturated (${e.message}); none of these events was accepted, send them again later`);
      }
      throw new DomainException(503, 'QUEUE_UNAVAILABLE', 'The usage queue is unavailable; retry later with the same eventIds');
    }
    return { accepted: batch.events.length };
  }
}
