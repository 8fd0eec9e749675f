import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page, PageQuery } from '../common/pagination/pagination';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Audited } from '../audit/audited.decorator';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './dto/create-api-key.dto';
import { Roles } from './roles.decorator';

@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/api-keys')
@Roles('admin')
@Audited('api-key')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the secret is in this response only' })
  create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.keys.create(dto.name, dto.role);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<ApiKeyView>> {
    return this.keys.list(query);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a key; it answers 401 from then on' })
  revoke(@Param('id', UuidParam) id: string): Promise<ApiKeyView> {
    return this.keys.revoke(id);
  }
}
