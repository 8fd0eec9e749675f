import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { ALERT_KINDS, AlertKind } from '../../alerts/alert-kinds';
import { Webhook } from '../entities/webhook.entity';

const SECRET_PREFIX_CHARS = 4;

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://crm.example.com/hooks/token-plan' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an http or https URL' })
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: ALERT_KINDS, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ALERT_KINDS, { each: true })
  eventKinds: AlertKind[];

  @ApiProperty({ minLength: 16, maxLength: 200, description: 'HMAC key for X-Webhook-Signature; never returned, only its first characters' })
  @IsString()
  @Length(16, 200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret: string;
}

export class WebhookView {
  @ApiProperty() id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: ALERT_KINDS, isArray: true }) eventKinds: AlertKind[];
  @ApiProperty({ example: 'whs_' }) secretPrefix: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) deletedAt: string | null;

  static of(w: Webhook): WebhookView {
    return {
      id: w.id,
      url: w.url,
      eventKinds: w.eventKinds,
      secretPrefix: w.secretPrefix,
      createdAt: w.createdAt.toISOString(),
      deletedAt: w.deletedAt ? w.deletedAt.toISOString() : null,
    };
  }
}

export const secretPrefixOf = (secret: string) => secret.slice(0, SECRET_PREFIX_CHARS);
