import { Module } from '@nestjs/common';
import { MaintenanceProcessor } from './maintenance.processor';

/** Worker-role only: housekeeping jobs on their schedules. */
@Module({ providers: [MaintenanceProcessor] })
export class MaintenanceWorkerModule {}
