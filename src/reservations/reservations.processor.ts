import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ConfiguredWorkerHost } from '../queue/configured-worker.host';
import { QUEUES } from '../queue/queue-names';
import { JobSchedule } from '../queue/job-scheduler-registry';
import { ReservationsRepository } from './reservations.repository';
import { Clock } from '../common/clock/clock';

export const EXPIRE_RESERVATIONS = 'expire-reservations';
const EXPIRE_EVERY_MS = 30 * 1000;
const EXPIRE_BATCH = 5000;

/**
 * Closes holds past their expiry. Balances do not wait for it (a hold stops counting at
 * expires_at in every query); closing them keeps the open-holds index small.
 */
@Processor(QUEUES.reservations, { autorun: false })
export class ReservationsProcessor extends ConfiguredWorkerHost {
  private readonly logger = new Logger(ReservationsProcessor.name);

  constructor(
    @InjectQueue(QUEUES.reservations) private readonly queue: Queue,
    private readonly repo: ReservationsRepository,
    protected readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected override schedules(): JobSchedule[] {
    return [{ queue: this.queue, id: EXPIRE_RESERVATIONS, repeat: { every: EXPIRE_EVERY_MS }, template: { name: EXPIRE_RESERVATIONS } }];
  }

  async process(job: Job): Promise<{ expired: number }> {
    if (job.name !== EXPIRE_RESERVATIONS) throw new UnrecoverableError(`unknown reservations job ${job.name}`);
    return { expired: await this.expireAll(this.clock.now()) };
  }

  async expireAll(now: Date): Promise<number> {
    let total = 0;
    let batch: number;
    do {
      batch = await this.repo.expire(now, EXPIRE_BATCH);
      total += batch;
    } while (batch === EXPIRE_BATCH);
    if (total > 0) this.logger.log({ expired: total }, 'expired reservations closed');
    return total;
  }
}
