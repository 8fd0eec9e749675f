import { Module } from '@nestjs/common';
import { MaintenanceProcessor } from './maintenance.processor';
import { UsageModule } from '../usage/usage.module';
import { InvoiceChangeLogModule } from '../invoices/invoice-change-log';

/** Worker-role only: housekeeping jobs on their schedules. */
@Module({ imports: [UsageModule, InvoiceChangeLogModule], providers: [MaintenanceProcessor] })
export class MaintenanceWorkerModule {}
