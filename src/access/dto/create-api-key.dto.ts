import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsName } from '../../common/validation/text.validators';
import { ROLE_PATTERN } from '../role';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'gateway-prod-1' })
  @IsName()
  name: string;

  @ApiProperty({
    example: 'gateway',
    description: 'admin | billing | gateway | account:<accountId> | provider:<providerCode>',
  })
  @IsString()
  @Matches(ROLE_PATTERN, {
    message: 'role must be admin, billing, gateway, account:<uuid> or provider:<code>',
  })
  role: string;
}

export class ApiKeyView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() role: string;
  @ApiProperty({ example: 'tpb_AbC1' }) secretPrefix: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'Shown only in this response; store it now.' })
  secret: string;
}
