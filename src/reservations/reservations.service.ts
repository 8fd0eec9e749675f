import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundProblem } from '../common/http/domain.exception';
import { decodeKeyset, encodeKeyset, isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page } from '../common/pagination/pagination';
import { ReservationQuery, ReservationView } from './dto/reservation.dto';
import { ReservationsRepository } from './reservations.repository';
import { Clock } from '../common/clock/clock';

/** Staff and gateway operations on holds; placing a hold belongs to authorization. */
@Injectable()
export class ReservationsService {
  constructor(
    private readonly repo: ReservationsRepository,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Releasing a closed hold (settled, released, expired) changes nothing and answers its state. */
  async release(id: string, now = this.clock.now()): Promise<ReservationView> {
    const row = await this.repo.release(id, now);
    if (!row) throw new NotFoundProblem('Reservation', id);
    return ReservationView.of(row, now);
  }

  async listOpen(q: ReservationQuery, now = this.clock.now()): Promise<Page<ReservationView>> {
    const [exists] = await this.dataSource.query(`SELECT 1 FROM subscriptions WHERE id = $1`, [q.subscriptionId]);
    if (!exists) throw new NotFoundProblem('Subscription', q.subscriptionId);
    const limit = q.limit ?? 50;
    const after = q.cursor ? decodeKeyset(q.cursor, isIsoInstant) : null;
    const rows = await this.repo.listOpen(q.subscriptionId, now, limit + 1, after);
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return {
      data: data.map((r) => ReservationView.of(r, now)),
      nextCursor: rows.length > limit && last ? encodeKeyset(last.createdAt.toISOString(), last.id) : null,
    };
  }
}
