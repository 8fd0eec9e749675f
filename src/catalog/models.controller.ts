import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Audited } from '../audit/audited.decorator';
import { Page, PageQuery } from '../common/pagination/pagination';
import { MODEL_TERMS } from './catalog-errors';
import { AddModelRateDto, CreateModelDto, CreatedModelRateView, ModelPage, ModelView, UpdateModelDto } from './dto/model.dto';
import { CodeParam } from './http/code-param.pipe';
import { RejectImmutableTerms } from './http/immutable-terms.guard';
import { ModelRatesService } from './model-rates.service';
import { ModelsService } from './models.service';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/models')
@Roles('admin', 'billing')
@Audited('model')
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly rates: ModelRatesService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a model (active) with its first rate version, in force since always' })
  @ApiCreatedResponse({ type: ModelView })
  create(@Body() dto: CreateModelDto): Promise<ModelView> {
    return this.models.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: ModelPage })
  list(@Query() query: PageQuery): Promise<Page<ModelView>> {
    return this.models.list(query);
  }

  @Get(':code')
  @ApiOperation({ summary: 'A model with the rate in force now and every rate version' })
  @ApiOkResponse({ type: ModelView })
  get(@Param('code', new CodeParam('Model')) code: string): Promise<ModelView> {
    return this.models.view(code);
  }

  @Patch(':code')
  @RejectImmutableTerms(MODEL_TERMS)
  @ApiOperation({ summary: 'Retire or reactivate a model; code, provider and rate fields are a 409' })
  @ApiOkResponse({ type: ModelView })
  @ApiConflictResponse({ description: 'MODEL_TERMS_IMMUTABLE' })
  update(@Param('code', new CodeParam('Model')) code: string, @Body() dto: UpdateModelDto): Promise<ModelView> {
    return this.models.update(code, dto);
  }

  @Post(':code/rates')
  @ApiOperation({ summary: 'Add a rate version in force from effectiveFrom; omitted fields keep the previous values' })
  @ApiCreatedResponse({ type: CreatedModelRateView })
  @ApiConflictResponse({ description: 'RATE_VERSION_EXISTS: a version at that instant exists' })
  addRate(@Param('code', new CodeParam('Model')) code: string, @Body() dto: AddModelRateDto): Promise<CreatedModelRateView> {
    return this.rates.addRate(code, dto);
  }
}
