import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AlertDetector } from './alert-detector.service';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { Alert } from './entities/alert.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Alert]), WebhooksModule],
  providers: [AlertsRepository, AlertDetector, AlertsService],
  controllers: [AlertsController],
  exports: [AlertDetector],
})
export class AlertsModule {}
