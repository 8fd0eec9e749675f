import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { QUEUES } from '../queue/queue-names';
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

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.queue
      .upsertJobScheduler(SCAN_EXPIRED_TOPUPS, { every: SCAN_EVERY_MS }, { name: SCAN_EXPIRED_TOPUPS })
      .catch((err: unknown) => this.logger.error({ err }, 'could not register the expired top-up scan'));
  }

  async process(job: Job): Promise<{ raised: number }> {
    if (job.name !== SCAN_EXPIRED_TOPUPS) throw new UnrecoverableError(`unknown alerts job ${job.name}`);
    const result = await this.detector.scanExpiredTopups();
    if (result.raised > 0) this.logger.log(result, 'expired unused top-ups alerted');
    return result;
  }
}
