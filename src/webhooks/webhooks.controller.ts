import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Audited } from '../audit/audited.decorator';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Page, PageQuery } from '../common/pagination/pagination';
import { DeliveryQuery, DeliveryView } from './dto/delivery.dto';
import { CreateWebhookDto, WebhookView } from './dto/webhook.dto';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1')
@Roles('admin', 'billing')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Post('webhooks')
  @Audited('webhook')
  @ApiOperation({ summary: 'Register a URL for alert kinds; deliveries are signed with the secret' })
  create(@Body() dto: CreateWebhookDto): Promise<WebhookView> {
    return this.webhooks.create(dto);
  }

  @Get('webhooks')
  list(@Query() q: PageQuery): Promise<Page<WebhookView>> {
    return this.webhooks.list(q);
  }

  @Get('webhooks/:id')
  async get(@Param('id', UuidParam) id: string): Promise<WebhookView> {
    return WebhookView.of(await this.webhooks.get(id));
  }

  @Delete('webhooks/:id')
  @Audited('webhook')
  @ApiOperation({ summary: 'Stop delivering to this webhook; its delivery history stays' })
  remove(@Param('id', UuidParam) id: string): Promise<WebhookView> {
    return this.webhooks.remove(id);
  }

  @Get('webhooks/:id/deliveries')
  @ApiOperation({ summary: 'Deliveries of this webhook, newest first, each with every attempt' })
  deliveriesOf(@Param('id', UuidParam) id: string, @Query() q: DeliveryQuery): Promise<Page<DeliveryView>> {
    return this.deliveries.listForWebhook(id, q);
  }

  @Post('webhook-deliveries/:id/replay')
  @HttpCode(202)
  @Audited('webhookDelivery')
  @ApiOperation({ summary: 'Send a delivered or failed delivery again' })
  replay(@Param('id', UuidParam) id: string): Promise<DeliveryView> {
    return this.deliveries.replay(id);
  }
}
