import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { CatalogModule } from '../catalog/catalog.module';
import { ReservationsModule } from '../reservations/reservations.module';
import { BalanceService } from './balance.service';
import { CycleRoller } from './cycle-roller.service';
import { CycleRollWriter } from './cycle-roll.writer';
import { ClosedCyclesWriter } from './closed-cycles.writer';
import { TopupBucketsWriter } from './topup-buckets.writer';
import { UsageDebitsWriter } from './usage-debits.writer';
import { MembersService } from './members.service';
import { SubscriptionLifecycleService } from './subscription-lifecycle.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';
import { BucketRow } from './entities/bucket.entity';
import { Cycle } from './entities/cycle.entity';
import { Member } from './entities/member.entity';
import { MemberCycleUsage } from './entities/member-cycle-usage.entity';
import { Subscription } from './entities/subscription.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Subscription, Cycle, BucketRow, Member, MemberCycleUsage]), AccountsModule, CatalogModule, ReservationsModule],
  providers: [
    CycleRoller,
    CycleRollWriter,
    ClosedCyclesWriter,
    TopupBucketsWriter,
    UsageDebitsWriter,
    SubscriptionsService,
    SubscriptionLifecycleService,
    MembersService,
    BalanceService,
  ],
  controllers: [SubscriptionsController],
  exports: [CycleRoller, ClosedCyclesWriter, TopupBucketsWriter, UsageDebitsWriter, SubscriptionsService, SubscriptionLifecycleService, BalanceService],
})
export class SubscriptionsModule {}
