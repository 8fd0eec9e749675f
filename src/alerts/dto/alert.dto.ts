import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { PageQuery } from '../../common/pagination/pagination';
import { ALERT_KINDS, AlertKind } from '../alert-kinds';
import { Alert } from '../entities/alert.entity';

export class AlertFilter {
  @ApiPropertyOptional() @OptionalField() @IsUUID() subscriptionId?: string;
  @ApiPropertyOptional({ enum: ALERT_KINDS }) @OptionalField() @IsIn(ALERT_KINDS) kind?: AlertKind;
}

export class AlertQuery extends IntersectionType(PageQuery, AlertFilter) {}

export class AlertView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind: AlertKind;
  @ApiProperty() subscriptionId: string;
  @ApiProperty() cycleId: string;
  @ApiProperty({ nullable: true, type: String, description: 'subscriberId for MEMBER_CAP_REACHED, bucket id for TOPUP_EXPIRED_UNUSED' })
  subject: string | null;
  @ApiProperty({ description: 'The figures that crossed the threshold, at the moment they crossed it' }) data: Record<string, unknown>;
  @ApiProperty() createdAt: string;

  static of(a: Alert): AlertView {
    return {
      id: a.id,
      kind: a.kind,
      subscriptionId: a.subscriptionId,
      cycleId: a.cycleId,
      subject: a.subject,
      data: a.data,
      createdAt: a.createdAt.toISOString(),
    };
  }
}
