import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'plan' }) @IsOptional() @IsString() @Length(1, 64)
  entity?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 128)
  entityId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID()
  actorKeyId?: string;
}
