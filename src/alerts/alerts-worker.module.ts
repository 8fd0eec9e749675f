import { Module } from '@nestjs/common';
import { AlertsModule } from './alerts.module';
import { AlertsProcessor } from './alerts.processor';

/** Worker role: the scheduled scan for top-ups that expired unused. */
@Module({ imports: [AlertsModule], providers: [AlertsProcessor] })
export class AlertsWorkerModule {}
