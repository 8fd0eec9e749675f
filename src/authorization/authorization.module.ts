import { Module } from '@nestjs/common';
import { ReservationsModule } from '../reservations/reservations.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { AuthorizationController } from './authorization.controller';
import { AuthorizationRepository } from './authorization.repository';
import { AuthorizationService } from './authorization.service';

@Module({
  imports: [SubscriptionsModule, ReservationsModule],
  providers: [AuthorizationRepository, AuthorizationService],
  controllers: [AuthorizationController],
})
export class AuthorizationModule {}
