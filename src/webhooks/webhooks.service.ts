import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { BadInputProblem, NotFoundProblem } from '../common/http/domain.exception';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, PageQuery, paginate } from '../common/pagination/pagination';
import { CreateWebhookDto, WebhookView, secretPrefixOf } from './dto/webhook.dto';
import { Webhook } from './entities/webhook.entity';
import { refusedTargetReason } from './webhook-target';
import { Clock } from '../common/clock/clock';

/** Webhook registrations. Deleting one is a soft delete: its deliveries and their attempts stay visible. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectRepository(Webhook) private readonly webhooks: Repository<Webhook>,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateWebhookDto): Promise<WebhookView> {
    this.assertTargetAllowed(dto.url);
    const saved = await this.webhooks.save(
      this.webhooks.create({ url: dto.url, eventKinds: dto.eventKinds, secret: dto.secret, secretPrefix: secretPrefixOf(dto.secret) }),
    );
    return WebhookView.of(await this.get(saved.id));
  }

  private assertTargetAllowed(url: string): void {
    const reason = this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS ? null : refusedTargetReason(url);
    if (reason) throw new BadInputProblem('url', reason);
  }

  async list(q: PageQuery): Promise<Page<WebhookView>> {
    const page = await paginate(this.webhooks.createQueryBuilder('w'), q, {
      column: 'w.createdAt',
      key: (w) => w.createdAt.toISOString(),
      isSortValue: isIsoInstant,
    });
    return { ...page, data: page.data.map(WebhookView.of) };
  }

  async get(id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findOneBy({ id });
    if (!webhook) throw new NotFoundProblem('Webhook', id);
    return webhook;
  }

  async remove(id: string): Promise<WebhookView> {
    const webhook = await this.get(id);
    if (!webhook.deletedAt) {
      webhook.deletedAt = this.clock.now();
      await this.webhooks.update({ id, deletedAt: IsNull() }, { deletedAt: webhook.deletedAt });
    }
    return WebhookView.of(webhook);
  }
}
