import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { PageQuery } from '../../common/pagination/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'plan' })
  @OptionalField()
  @IsString()
  @Length(1, 64)
  entity?: string;

  @ApiPropertyOptional()
  @OptionalField()
  @IsString()
  @Length(1, 128)
  entityId?: string;

  @ApiPropertyOptional()
  @OptionalField()
  @IsUUID()
  actorKeyId?: string;
}
