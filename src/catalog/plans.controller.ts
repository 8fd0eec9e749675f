import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Audited } from '../audit/audited.decorator';
import { Page, PageQuery } from '../common/pagination/pagination';
import { PLAN_TERMS } from './catalog-errors';
import { CreatePlanDto, PlanPage, PlanView, UpdatePlanDto } from './dto/plan.dto';
import { CodeParam } from './http/code-param.pipe';
import { RejectImmutableTerms } from './http/immutable-terms.guard';
import { PlansService } from './plans.service';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/plans')
@Roles('admin', 'billing')
@Audited('plan')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post()
  @ApiOperation({ summary: 'Create a plan; its commercial terms never change afterwards' })
  @ApiCreatedResponse({ type: PlanView })
  create(@Body() dto: CreatePlanDto): Promise<PlanView> {
    return this.plans.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: PlanPage })
  list(@Query() query: PageQuery): Promise<Page<PlanView>> {
    return this.plans.list(query);
  }

  @Get(':code')
  @ApiOkResponse({ type: PlanView })
  get(@Param('code', new CodeParam('Plan')) code: string): Promise<PlanView> {
    return this.plans.view(code);
  }

  @Patch(':code')
  @RejectImmutableTerms(PLAN_TERMS)
  @ApiOperation({ summary: 'Rename, retire or reactivate a plan; any commercial term is a 409' })
  @ApiOkResponse({ type: PlanView })
  @ApiConflictResponse({ description: 'PLAN_TERMS_IMMUTABLE: create a new plan instead' })
  update(@Param('code', new CodeParam('Plan')) code: string, @Body() dto: UpdatePlanDto): Promise<PlanView> {
    return this.plans.update(code, dto);
  }
}
