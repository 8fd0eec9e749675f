import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsName } from '../../common/validation/text.validators';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'gateway-prod-1' })
  @IsName()
  name: string;

  @ApiProperty({
    example: 'gateway',
    description: 'admin | billing | gateway | account:<accountId> | provider:<providerCode>',
  })
  @IsString()
  @Matches(/^(admin|billing|gateway|account:[0-9a-fA-F-]{36}|provider:[A-Za-z0-9][A-Za-z0-9._:-]{0,63})$/, {
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
