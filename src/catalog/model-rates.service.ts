import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, LessThan, LessThanOrEqual } from 'typeorm';
import { assertValidDate, formatWeight, parseWeight } from '../billing-rules';
import { BadInputProblem, NotFoundProblem } from '../common/http/domain.exception';
import { rateVersionExists } from './catalog-errors';
import { isUniqueViolation } from '../database/postgres-errors';
import { parseInstant } from './dto/catalog.validators';
import { AddModelRateDto, CreatedModelRateView, ModelRateView } from './dto/model.dto';
import { Model } from './entities/model.entity';
import { BEGINNING_OF_TIME, ModelRate } from './entities/model-rate.entity';

export type RateTerms = Pick<ModelRate, 'inputWeightScaled' | 'outputWeightScaled' | 'providerInputPricePerMillionFen' | 'providerOutputPricePerMillionFen'>;

@Injectable()
export class ModelRatesService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The rate version of `modelCode` in force at `at` (latest effectiveFrom <= at), or null when the
   * model is unknown. One query on the UNIQUE (model_code, effective_from) index.
   */
  rateAt(modelCode: string, at: Date, em?: EntityManager): Promise<ModelRate | null> {
    assertValidDate(at, 'at');
    return (em ?? this.ds.manager).getRepository(ModelRate).findOne({
      where: { modelCode, effectiveFrom: LessThanOrEqual(at) },
      order: { effectiveFrom: 'DESC' },
    });
  }

  /** Every rate version of the given models, each list in effectiveFrom order. */
  async ratesOf(modelCodes: string[], em?: EntityManager): Promise<Map<string, ModelRate[]>> {
    const byModel = new Map<string, ModelRate[]>(modelCodes.map((c) => [c, []]));
    if (modelCodes.length === 0) return byModel;
    const rows = await (em ?? this.ds.manager).getRepository(ModelRate).find({
      where: { modelCode: In(modelCodes) },
      order: { modelCode: 'ASC', effectiveFrom: 'ASC' },
    });
    for (const row of rows) byModel.get(row.modelCode)?.push(row);
    return byModel;
  }

  /** Adds a version in force from dto.effectiveFrom; omitted fields keep the previous version's values. */
  async addRate(modelCode: string, dto: AddModelRateDto): Promise<CreatedModelRateView> {
    const at = parseInstant(dto.effectiveFrom);
    const rate = await this.ds.transaction(async (em) => {
      // Serialises rate changes of one model, so a version never inherits from a stale predecessor.
      const model = await em.getRepository(Model).findOne({ where: { code: modelCode }, lock: { mode: 'pessimistic_write' } });
      if (!model) throw new NotFoundProblem('Model', modelCode);
      if (!at || at.getTime() <= BEGINNING_OF_TIME.getTime()) {
        throw new BadInputProblem('effectiveFrom', 'effectiveFrom must be after 1970-01-01T00:00:00Z, when the first version starts');
      }
      const previous = await em.getRepository(ModelRate).findOne({
        where: { modelCode, effectiveFrom: LessThan(at) },
        order: { effectiveFrom: 'DESC' },
      });
      if (!previous) throw new NotFoundProblem('Rate of model', modelCode);
      if (await em.getRepository(ModelRate).existsBy({ modelCode, effectiveFrom: at })) throw rateVersionExists(modelCode, at);
      return this.insert(em, modelCode, at, inherit(previous, dto));
    });
    return { modelCode, ...toRateView(rate) };
  }

  /** Inserts one version; a concurrent insert at the same instant answers 409, not 500. */
  async insert(em: EntityManager, modelCode: string, effectiveFrom: Date, terms: RateTerms): Promise<ModelRate> {
    const repo = em.getRepository(ModelRate);
    const rate = repo.create({ modelCode, effectiveFrom, ...terms });
    try {
      await repo.insert(rate);
    } catch (err) {
      if (isUniqueViolation(err)) throw rateVersionExists(modelCode, effectiveFrom);
      throw err;
    }
    return rate;
  }
}

function inherit(previous: ModelRate, dto: AddModelRateDto): RateTerms {
  const weight = (text: string | undefined, kept: number) => (text === undefined ? kept : parseWeight(text)!);
  return {
    inputWeightScaled: weight(dto.inputWeight, previous.inputWeightScaled),
    outputWeightScaled: weight(dto.outputWeight, previous.outputWeightScaled),
    providerInputPricePerMillionFen: dto.providerInputPricePerMillionFen ?? previous.providerInputPricePerMillionFen,
    providerOutputPricePerMillionFen: dto.providerOutputPricePerMillionFen ?? previous.providerOutputPricePerMillionFen,
  };
}

/** The version created with the model is stored at the epoch and shown as "in force since always" (null). */
export function toRateView(r: ModelRate): ModelRateView {
  return {
    effectiveFrom: r.effectiveFrom.getTime() === BEGINNING_OF_TIME.getTime() ? null : r.effectiveFrom.toISOString(),
    inputWeight: formatWeight(r.inputWeightScaled),
    outputWeight: formatWeight(r.outputWeightScaled),
    providerInputPricePerMillionFen: r.providerInputPricePerMillionFen,
    providerOutputPricePerMillionFen: r.providerOutputPricePerMillionFen,
  };
}
