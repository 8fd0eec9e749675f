import { Module } from '@nestjs/common';
import { RatingModule } from './rating.module';
import { RatingProcessor } from './rating.processor';

/** Worker role: the bill run's jobs and schedules. */
@Module({ imports: [RatingModule], providers: [RatingProcessor] })
export class RatingWorkerModule {}
