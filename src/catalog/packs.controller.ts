import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Audited } from '../audit/audited.decorator';
import { Page, PageQuery } from '../common/pagination/pagination';
import { PACK_TERMS } from './catalog-errors';
import { CreatePackDto, PackPage, PackView, UpdatePackDto } from './dto/pack.dto';
import { CodeParam } from './http/code-param.pipe';
import { RejectImmutableTerms } from './http/immutable-terms.guard';
import { PacksService } from './packs.service';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/packs')
@Roles('admin', 'billing')
@Audited('pack')
export class PacksController {
  constructor(private readonly packs: PacksService) {}

  @Post()
  @ApiOperation({ summary: 'Create a top-up pack; price, credits and validity never change afterwards' })
  @ApiCreatedResponse({ type: PackView })
  create(@Body() dto: CreatePackDto): Promise<PackView> {
    return this.packs.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: PackPage })
  list(@Query() query: PageQuery): Promise<Page<PackView>> {
    return this.packs.list(query);
  }

  @Get(':code')
  @ApiOkResponse({ type: PackView })
  get(@Param('code', new CodeParam('Pack')) code: string): Promise<PackView> {
    return this.packs.view(code);
  }

  @Patch(':code')
  @RejectImmutableTerms(PACK_TERMS)
  @ApiOperation({ summary: 'Rename, retire or reactivate a pack; price, credits and validity are a 409' })
  @ApiOkResponse({ type: PackView })
  @ApiConflictResponse({ description: 'PACK_TERMS_IMMUTABLE: create a new pack instead' })
  update(@Param('code', new CodeParam('Pack')) code: string, @Body() dto: UpdatePackDto): Promise<PackView> {
    return this.packs.update(code, dto);
  }
}
