import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { NotFoundProblem } from '../common/http/domain.exception';
import { Page, PageQuery } from '../common/pagination/pagination';
import { CatalogErrorCode, badFields, duplicateCode, retired, unknownReference } from './catalog-errors';
import { isUniqueViolation } from '../database/postgres-errors';
import { ALL_MODELS, CreatePlanDto, PlanView, UpdatePlanDto } from './dto/plan.dto';
import { Model } from './entities/model.entity';
import { Plan } from './entities/plan.entity';
import { paginateByCode } from './http/code-page';
import { overflowingPlanTerms } from './plan-terms';

@Injectable()
export class PlansService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @InjectRepository(Plan) private readonly plans: Repository<Plan>,
  ) {}

  async create(dto: CreatePlanDto): Promise<PlanView> {
    const overflow = overflowingPlanTerms(dto);
    if (overflow.length > 0) throw badFields(overflow);
    await this.ds.transaction(async (em) => {
      await this.assertModelsExist(dto.models, em);
      try {
        await em.getRepository(Plan).insert(fromDto(dto));
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateCode('Plan', dto.code);
        throw err;
      }
    });
    return this.view(dto.code);
  }

  async list(query: PageQuery): Promise<Page<PlanView>> {
    const page = await paginateByCode(this.plans.createQueryBuilder('p'), query);
    return { ...page, data: page.data.map(toPlanView) };
  }

  async view(code: string): Promise<PlanView> {
    return toPlanView(await this.get(code));
  }

  /** The plan whatever its status, or a 404 (for codes in a path). */
  async get(code: string, em?: EntityManager): Promise<Plan> {
    const plan = await (em ? em.getRepository(Plan) : this.plans).findOneBy({ code });
    if (!plan) throw new NotFoundProblem('Plan', code);
    return plan;
  }

  /**
   * The plan a new sale (subscription, plan change) may use: a 400 on `planCode` when unknown, a
   * 409 PLAN_RETIRED when retired. Inside a transaction the row is read FOR SHARE, so a concurrent
   * retirement waits for the sale to commit instead of slipping in between check and use.
   */
  async getSellable(code: string, em?: EntityManager): Promise<Plan> {
    const repo = em ? em.getRepository(Plan) : this.plans;
    const inTransaction = em?.queryRunner?.isTransactionActive === true;
    const plan = await repo.findOne({ where: { code }, ...(inTransaction ? { lock: { mode: 'pessimistic_read' } } : {}) });
    if (!plan) throw unknownReference('planCode', 'plan', code);
    if (plan.status !== 'active') throw retired(CatalogErrorCode.PLAN_RETIRED, 'Plan', code);
    return plan;
  }

  /** Name and status only; the controller has already refused commercial terms with a 409. */
  async update(code: string, dto: UpdatePlanDto): Promise<PlanView> {
    await this.get(code);
    const changes = { ...(dto.name !== undefined && { name: dto.name }), ...(dto.status !== undefined && { status: dto.status }) };
    if (Object.keys(changes).length > 0) await this.plans.update({ code }, changes);
    return this.view(code);
  }

  /** Every listed model must exist; each unknown one is reported on its own `models[i]` path. */
  private async assertModelsExist(models: string[], em: EntityManager): Promise<void> {
    if (models.length === 1 && models[0] === ALL_MODELS) return;
    const found = await em.getRepository(Model).find({ select: { code: true }, where: { code: In(models) } });
    const known = new Set(found.map((m) => m.code));
    const errors = models
      .map((code, i) => ({ code, path: `models[${i}]` }))
      .filter(({ code }) => !known.has(code))
      .flatMap(({ code, path }) => unknownReference(path, 'model', code).errors ?? []);
    if (errors.length > 0) throw badFields(errors);
  }
}

function fromDto(dto: CreatePlanDto): Partial<Plan> {
  return {
    code: dto.code,
    name: dto.name,
    kind: dto.kind,
    monthlyFeeFen: dto.monthlyFeeFen,
    allowanceCredits: dto.allowanceCredits,
    models: dto.models,
    maxMembers: dto.maxMembers,
    overageMode: dto.overage.mode,
    overageRatePerMillionFen: dto.overage.ratePerMillionFen,
    overageCapFen: dto.overage.capFen,
    rolloverPercent: dto.rollover.percent,
    rolloverMaxCredits: dto.rollover.maxCredits,
    status: 'active',
  };
}

export function toPlanView(p: Plan): PlanView {
  return {
    code: p.code,
    name: p.name,
    kind: p.kind,
    monthlyFeeFen: p.monthlyFeeFen,
    allowanceCredits: p.allowanceCredits,
    models: p.models,
    maxMembers: p.maxMembers,
    overage: { mode: p.overageMode, ratePerMillionFen: p.overageRatePerMillionFen, capFen: p.overageCapFen },
    rollover: { percent: p.rolloverPercent, maxCredits: p.rolloverMaxCredits },
    status: p.status,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
