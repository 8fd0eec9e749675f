import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { parseWeight } from '../billing-rules';
import { NotFoundProblem } from '../common/http/domain.exception';
import { Page, PageQuery } from '../common/pagination/pagination';
import { duplicateCode, unknownReference } from './catalog-errors';
import { isUniqueViolation } from '../database/postgres-errors';
import { CreateModelDto, ModelView, UpdateModelDto } from './dto/model.dto';
import { Model } from './entities/model.entity';
import { BEGINNING_OF_TIME, ModelRate } from './entities/model-rate.entity';
import { paginateByCode } from './http/code-page';
import { ModelRatesService, toRateView } from './model-rates.service';
import { ProvidersService } from './providers.service';
import { Clock } from '../common/clock/clock';

@Injectable()
export class ModelsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @InjectRepository(Model) private readonly models: Repository<Model>,
    private readonly providers: ProvidersService,
    private readonly rates: ModelRatesService,
    private readonly clock: Clock,
  ) {}

  /** Creates the model (active) and its first rate version, in force since the beginning of time. */
  async create(dto: CreateModelDto): Promise<ModelView> {
    await this.ds.transaction(async (em) => {
      if (!(await this.providers.find(dto.providerCode, em))) throw unknownReference('providerCode', 'provider', dto.providerCode);
      try {
        await em.getRepository(Model).insert({ code: dto.code, providerCode: dto.providerCode, status: 'active' });
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateCode('Model', dto.code);
        throw err;
      }
      await this.rates.insert(em, dto.code, BEGINNING_OF_TIME, {
        inputWeightScaled: parseWeight(dto.inputWeight)!,
        outputWeightScaled: parseWeight(dto.outputWeight)!,
        providerInputPricePerMillionFen: dto.providerInputPricePerMillionFen,
        providerOutputPricePerMillionFen: dto.providerOutputPricePerMillionFen,
      });
    });
    return this.view(dto.code);
  }

  async list(query: PageQuery): Promise<Page<ModelView>> {
    const page = await paginateByCode(this.models.createQueryBuilder('m'), query);
    const rates = await this.rates.ratesOf(page.data.map((m) => m.code));
    return { ...page, data: page.data.map((m) => toModelView(m, rates.get(m.code) ?? [], this.clock.now())) };
  }

  async view(code: string): Promise<ModelView> {
    const model = await this.get(code);
    const rates = await this.rates.ratesOf([code]);
    return toModelView(model, rates.get(code) ?? [], this.clock.now());
  }

  /** The model, or a 404 (for codes in a path). */
  async get(code: string, em?: EntityManager): Promise<Model> {
    const model = await (em ? em.getRepository(Model) : this.models).findOneBy({ code });
    if (!model) throw new NotFoundProblem('Model', code);
    return model;
  }

  /** Only the status changes here; rates change through new versions (ModelRatesService.addRate). */
  async update(code: string, dto: UpdateModelDto): Promise<ModelView> {
    const model = await this.get(code);
    if (dto.status !== undefined && dto.status !== model.status) {
      await this.models.update({ code }, { status: dto.status });
    }
    return this.view(code);
  }
}

/** Flattens the version in force now next to the full history. */
export function toModelView(m: Model, rates: ModelRate[], now: Date): ModelView {
  const inForce = rates.filter((r) => r.effectiveFrom.getTime() <= now.getTime()).pop() ?? rates[0];
  const current = toRateView(inForce);
  return {
    code: m.code,
    providerCode: m.providerCode,
    status: m.status,
    inputWeight: current.inputWeight,
    outputWeight: current.outputWeight,
    providerInputPricePerMillionFen: current.providerInputPricePerMillionFen,
    providerOutputPricePerMillionFen: current.providerOutputPricePerMillionFen,
    rates: rates.map(toRateView),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
