import { Module } from '@nestjs/common';
import { ReservationsController } from './reservations.controller';
import { ReservationsRepository } from './reservations.repository';
import { ReservationsService } from './reservations.service';

/** Holds on a pool's credits: placed by authorization, settled by the usage worker, released here or by expiry. */
@Module({
  providers: [ReservationsRepository, ReservationsService],
  controllers: [ReservationsController],
  exports: [ReservationsRepository],
})
export class ReservationsModule {}
