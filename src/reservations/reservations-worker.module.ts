import { Module } from '@nestjs/common';
import { ReservationsModule } from './reservations.module';
import { ReservationsProcessor } from './reservations.processor';

/** Worker role: the scheduled close of expired holds. */
@Module({ imports: [ReservationsModule], providers: [ReservationsProcessor] })
export class ReservationsWorkerModule {}
