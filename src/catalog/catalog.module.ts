import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Model } from './entities/model.entity';
import { ModelRate } from './entities/model-rate.entity';
import { Pack } from './entities/pack.entity';
import { Plan } from './entities/plan.entity';
import { Provider } from './entities/provider.entity';
import { ImmutableTermsGuard } from './http/immutable-terms.guard';
import { ModelRatesService } from './model-rates.service';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';
import { PacksController } from './packs.controller';
import { PacksService } from './packs.service';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

const SERVICES = [ProvidersService, ModelsService, ModelRatesService, PlansService, PacksService];

@Module({
  imports: [TypeOrmModule.forFeature([Provider, Model, ModelRate, Plan, Pack])],
  providers: [...SERVICES, ImmutableTermsGuard],
  controllers: [ProvidersController, ModelsController, PlansController, PacksController],
  exports: [TypeOrmModule, ...SERVICES],
})
export class CatalogModule {}
