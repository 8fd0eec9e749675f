import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, paginate } from '../common/pagination/pagination';
import { AlertQuery, AlertView } from './dto/alert.dto';
import { Alert } from './entities/alert.entity';

@Injectable()
export class AlertsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(q: AlertQuery): Promise<Page<AlertView>> {
    const qb = this.dataSource.getRepository(Alert).createQueryBuilder('a');
    if (q.subscriptionId) qb.andWhere('a.subscriptionId = :subscriptionId', { subscriptionId: q.subscriptionId });
    if (q.kind) qb.andWhere('a.kind = :kind', { kind: q.kind });
    const page = await paginate(qb, q, { column: 'a.createdAt', key: (a) => a.createdAt.toISOString(), isSortValue: isIsoInstant });
    return { ...page, data: page.data.map(AlertView.of) };
  }
}
