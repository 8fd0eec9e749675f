import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../access/roles.decorator';
import { RedisHealthIndicator } from './redis-health.indicator';
import { SchedulesHealthIndicator } from './schedules-health.indicator';

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly schedules: SchedulesHealthIndicator,
  ) {}

  /**
   * Public, so it says only up or down per dependency: a driver's error text names hosts, ports
   * and users, which an anonymous caller has no business reading (operators have the logs).
   */
  @Get()
  @HealthCheck()
  async check(): Promise<HealthCheckResult> {
    try {
      return upOrDownOnly(
        await this.health.check([
          () => this.db.pingCheck('postgres', { timeout: 1500 }),
          () => this.redis.check('redis'),
          () => this.schedules.check('schedules'),
        ]),
      );
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      throw new ServiceUnavailableException(upOrDownOnly(err.getResponse() as HealthCheckResult));
    }
  }
}

function upOrDownOnly(result: HealthCheckResult): HealthCheckResult {
  const strip = (checks?: Partial<HealthIndicatorResult>): HealthIndicatorResult | undefined =>
    checks && Object.fromEntries(Object.entries(checks).flatMap(([name, c]) => (c ? [[name, { status: c.status }]] : [])));
  return { status: result.status, info: strip(result.info), error: strip(result.error), details: strip(result.details) ?? {} };
}
