import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { QUEUES } from '../queue/queue-names';
import { JobSchedule } from '../queue/job-scheduler-registry';
import { AlertDetector } from './alert-detector.service';

export const SCAN_EXPIRED_TOPUPS = 'scan-expired-topups';
const SCAN_EVERY_MS = 5 * 60 * 1000;

@Processor(QUEUES.alerts, { autorun: false })
export class AlertsProcessor extends ConfiguredWorkerHost {
  private readonly logger = new Logger(AlertsProcessor.name);

  constructor(
    @InjectQueue(QUEUES.alerts) private readonly queue: Queue,
    private readonly detector: AlertDetector,
    protected readonly config: AppConfig,
  ) {
    super();
  }

  protected override schedules(): JobSchedule[] {
    return [{ queue: this.queue, id: SCAN_EXPIRED_TOPUPS, repeat: { every: SCAN_EVERY_MS }, template: { name: SCAN_EXPIRED_TOPUPS } }];
  }

  async process(job: Job): Promise<{ raised: number }> {
    if (job.name !== SCAN_EXPIRED_TOPUPS) throw new UnrecoverableError(`unknown alerts job ${job.name}`);
    const result = await this.detector.scanExpiredTopups();
    if (result.raised > 0) this.logger.log(result, 'expired unused top-ups alerted');
    return result;
  }
}
