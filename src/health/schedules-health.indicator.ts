import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { JobSchedulerRegistry } from '../queue/job-scheduler-registry';

/**
 * Down while a job scheduler this process owns is missing from Redis (the registry re-creates it
 * at its next check). A process without workers owns none and is always up here.
 */
@Injectable()
export class SchedulesHealthIndicator {
  constructor(
    private readonly registry: JobSchedulerRegistry,
    private readonly indicator: HealthIndicatorService,
  ) {}

  check(key: string) {
    const { wanted, missing } = this.registry.status();
    const state = this.indicator.check(key);
    return missing.length === 0 ? state.up({ schedules: wanted.length }) : state.down({ schedules: wanted.length, missing: missing.length });
  }
}
