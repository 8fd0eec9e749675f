import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { ChargesModule } from '../charges/charges.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { Topup } from './entities/topup.entity';
import { TopupsController } from './topups.controller';
import { TopupsService } from './topups.service';

@Module({
  imports: [TypeOrmModule.forFeature([Topup]), SubscriptionsModule, CatalogModule, ChargesModule],
  providers: [TopupsService],
  controllers: [TopupsController],
  exports: [TopupsService],
})
export class TopupsModule {}
