import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QUEUES } from './queue-names';
import { bullPrefix, redisOptionsFromUrl } from './redis-options';
import { JobSchedulerRegistry } from './job-scheduler-registry';

/**
 * Finished jobs are trimmed by count and age so Redis does not grow without bound; failed ones are
 * kept longer for inspection. Workers get `maxRetriesPerRequest: null` from BullMQ itself, which
 * overrides it for every connection it creates for a Worker.
 */
const queues = Object.values(QUEUES).map((name) => BullModule.registerQueue({ name }));

export const DEFAULT_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10000 },
  removeOnFail: { age: 14 * 24 * 3600, count: 100000 },
};

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { ...redisOptionsFromUrl(config.REDIS_URL), maxRetriesPerRequest: null },
        prefix: bullPrefix(config.REDIS_PREFIX),
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    ...queues,
  ],
  providers: [JobSchedulerRegistry],
  exports: [...queues, JobSchedulerRegistry],
})
export class QueueModule {}
