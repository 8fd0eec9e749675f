import { Module } from '@nestjs/common';
import { ChargesModule } from '../charges/charges.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { CycleRater } from './cycle-rater.service';
import { RatingChunkService } from './rating-chunk.service';
import { RatingController } from './rating.controller';
import { RatingRunService } from './rating-run.service';

@Module({
  imports: [SubscriptionsModule, ChargesModule],
  providers: [CycleRater, RatingRunService, RatingChunkService],
  controllers: [RatingController],
  exports: [RatingRunService, RatingChunkService],
})
export class RatingModule {}
