import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { OptionalField } from '../../common/validation/presence.validators';
import { IsExternalRef, IsName } from '../../common/validation/text.validators';
import { PageQuery } from '../../common/pagination/pagination';
import { Account, AccountStatus, AccountType } from '../entities/account.entity';

export class CreateAccountDto {
  @ApiProperty({ example: 'BA-2026-000123', description: "The operator's billing account number (unique)" })
  @IsExternalRef()
  externalRef: string;

  @ApiProperty({ enum: ['individual', 'enterprise'], example: 'individual' })
  @IsIn(['individual', 'enterprise'])
  type: AccountType;

  @ApiProperty({ example: 'Zhang Wei' })
  @IsName()
  name: string;
}

export class UpdateAccountDto {
  @ApiPropertyOptional({ example: 'Zhang Wei (corporate)' })
  @OptionalField()
  @IsName()
  name?: string;

  @ApiPropertyOptional({ enum: ['active', 'closed'] })
  @OptionalField()
  @IsIn(['active', 'closed'])
  status?: AccountStatus;
}

export class AccountQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'BA-2026-000123' })
  @OptionalField()
  @IsExternalRef()
  externalRef?: string;
}

export class AccountView {
  @ApiProperty() id: string;
  @ApiProperty() externalRef: string;
  @ApiProperty({ enum: ['individual', 'enterprise'] }) type: AccountType;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['active', 'closed'] }) status: AccountStatus;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static of(a: Account): AccountView {
    return {
      id: a.id,
      externalRef: a.externalRef,
      type: a.type,
      name: a.name,
      status: a.status,
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
    };
  }
}
