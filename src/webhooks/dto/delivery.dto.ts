import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { ALERT_KINDS, AlertKind } from '../../alerts/alert-kinds';
import { PageQuery } from '../../common/pagination/pagination';
import { DeliveryStatus, WebhookDelivery } from '../entities/webhook-delivery.entity';
import { WebhookDeliveryAttempt } from '../entities/webhook-delivery-attempt.entity';

export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed'];

export class DeliveryFilter {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @OptionalField() @IsIn(DELIVERY_STATUSES) status?: DeliveryStatus;
}

export class DeliveryQuery extends IntersectionType(PageQuery, DeliveryFilter) {}

export class AttemptView {
  @ApiProperty() attemptedAt: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Null when no HTTP answer came back' }) statusCode: number | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() durationMs: number;

  static of(a: WebhookDeliveryAttempt): AttemptView {
    return { attemptedAt: a.attemptedAt.toISOString(), statusCode: a.statusCode, error: a.error, durationMs: a.durationMs };
  }
}

export class DeliveryView {
  @ApiProperty() id: string;
  @ApiProperty() webhookId: string;
  @ApiProperty() alertId: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind: AlertKind;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty({ description: 'How many times it was replayed' }) replays: number;
  @ApiProperty({ type: [AttemptView], description: 'Every attempt, oldest first, replays included' }) attempts: AttemptView[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static of(d: WebhookDelivery, kind: AlertKind, attempts: WebhookDeliveryAttempt[]): DeliveryView {
    return {
      id: d.id,
      webhookId: d.webhookId,
      alertId: d.alertId,
      kind,
      status: d.status,
      replays: d.generation,
      attempts: attempts.map(AttemptView.of),
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    };
  }
}
