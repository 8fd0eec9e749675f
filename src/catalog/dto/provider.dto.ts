import { ApiProperty } from '@nestjs/swagger';
import { IsCode, IsName } from '../../common/validation/text.validators';

export class CreateProviderDto {
  @ApiProperty({ example: 'deepseek', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' })
  @IsCode()
  code: string;

  @ApiProperty({ example: 'DeepSeek' })
  @IsName()
  name: string;
}

export class ProviderView {
  @ApiProperty({ example: 'deepseek' }) code: string;
  @ApiProperty({ example: 'DeepSeek' }) name: string;
  @ApiProperty({ example: '2026-11-01T08:00:00.000Z' }) createdAt: string;
}

export class ProviderPage {
  @ApiProperty({ type: [ProviderView] }) data: ProviderView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
