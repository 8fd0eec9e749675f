import { INestApplicationContext } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainException } from '../src/common/http/domain.exception';
import { CatalogErrorCode } from '../src/catalog/catalog-errors';
import { CreateModelDto } from '../src/catalog/dto/model.dto';
import { CreatePackDto } from '../src/catalog/dto/pack.dto';
import { CreatePlanDto } from '../src/catalog/dto/plan.dto';
import { CreateProviderDto } from '../src/catalog/dto/provider.dto';
import { ModelsService } from '../src/catalog/models.service';
import { PacksService } from '../src/catalog/packs.service';
import { PlansService } from '../src/catalog/plans.service';
import { ProvidersService } from '../src/catalog/providers.service';
import { SEED_MODELS, SEED_PACKS, SEED_PLANS, SEED_PROVIDERS } from './catalog.seed';

export interface SeedResult {
  created: number;
  existing: number;
}

/** Seed rows pass the same validation as the API, so the seed can never store what the API refuses. */
async function validated<T extends object>(type: ClassConstructor<T>, plain: T): Promise<T> {
  const dto = plainToInstance(type, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new Error(`seed row ${JSON.stringify(plain)} is invalid: ${errors.map(String).join('; ')}`);
  return dto;
}

/** Creates what is missing; a code that already exists is left exactly as it is. */
async function createMissing<T extends object>(type: ClassConstructor<T>, rows: T[], create: (dto: T) => Promise<unknown>, result: SeedResult): Promise<void> {
  for (const row of rows) {
    try {
      await create(await validated(type, row));
      result.created += 1;
    } catch (err) {
      if (!(err instanceof DomainException && err.code === CatalogErrorCode.DUPLICATE_CODE)) throw err;
      result.existing += 1;
    }
  }
}

/** Seeds providers, models, plans and packs through the catalog services; running it twice changes nothing. */
export async function seedCatalog(app: INestApplicationContext): Promise<SeedResult> {
  const result: SeedResult = { created: 0, existing: 0 };
  const providers = app.get(ProvidersService);
  const models = app.get(ModelsService);
  const plans = app.get(PlansService);
  const packs = app.get(PacksService);
  await createMissing(CreateProviderDto, SEED_PROVIDERS, (dto) => providers.create(dto), result);
  await createMissing(CreateModelDto, SEED_MODELS, (dto) => models.create(dto), result);
  await createMissing(CreatePlanDto, SEED_PLANS, (dto) => plans.create(dto), result);
  await createMissing(CreatePackDto, SEED_PACKS, (dto) => packs.create(dto), result);
  return result;
}
