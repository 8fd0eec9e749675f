import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Audited } from '../audit/audited.decorator';
import { Page, PageQuery } from '../common/pagination/pagination';
import { CreateProviderDto, ProviderPage, ProviderView } from './dto/provider.dto';
import { CodeParam } from './http/code-param.pipe';
import { ProvidersService } from './providers.service';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/providers')
@Roles('admin', 'billing')
@Audited('provider')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Post()
  @ApiOperation({ summary: 'Register a model provider; a code already used is a 409' })
  @ApiCreatedResponse({ type: ProviderView })
  create(@Body() dto: CreateProviderDto): Promise<ProviderView> {
    return this.providers.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: ProviderPage })
  list(@Query() query: PageQuery): Promise<Page<ProviderView>> {
    return this.providers.list(query);
  }

  @Get(':code')
  @ApiOkResponse({ type: ProviderView })
  get(@Param('code', new CodeParam('Provider')) code: string): Promise<ProviderView> {
    return this.providers.view(code);
  }
}
