import { Module } from '@nestjs/common';
import { MaintenanceProcessor } from './maintenance.processor';
import { UsageModule } from '../usage/usage.module';

/** Worker-role only: housekeeping jobs on their schedules. */
@Module({ imports: [UsageModule], providers: [MaintenanceProcessor] })
export class MaintenanceWorkerModule {}
