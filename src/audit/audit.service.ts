import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryRunner, Repository } from 'typeorm';
import { Page, paginate } from '../common/pagination/pagination';
import { isBigintText } from '../common/pagination/keyset-cursor';
import { Principal } from '../access/role';
import { AuditEntry } from './entities/audit-entry.entity';
import { AuditQuery } from './dto/audit-query.dto';

export interface AuditRecord {
  principal: Principal | null;
  action: string;
  entity: string;
  entityId: string | null;
  changes: Record<string, unknown>;
  requestId: string | null;
}

const SECRET_FIELDS = /secret|password|token$/i;

/** Never store a secret in the audit log, wherever it appears in a body. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  /**
   * Writes the entry through `db`, which must be the connection of the change it records, so that
   * the change and its entry commit together (an entry the database refuses undoes the change).
   */
  async recordIn(db: EntityManager | QueryRunner, r: AuditRecord): Promise<void> {
    await db.query(
      `INSERT INTO audit_log (at, actor_key_id, actor_name, actor_role, action, entity, entity_id, changes, request_id)
       VALUES (now(), $1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        r.principal?.keyId ?? null,
        r.principal?.keyName ?? 'system',
        r.principal?.role ?? 'system',
        r.action,
        r.entity,
        r.entityId,
        JSON.stringify(redact(r.changes)),
        r.requestId,
      ],
    );
  }

  /** The pool's manager: for an entry that has no change transaction to join. */
  manager(): EntityManager {
    return this.entries.manager;
  }

  async list(q: AuditQuery): Promise<Page<AuditEntry>> {
    const qb = this.entries.createQueryBuilder('a');
    if (q.entity) qb.andWhere('a.entity = :entity', { entity: q.entity });
    if (q.entityId) qb.andWhere('a.entityId = :entityId', { entityId: q.entityId });
    if (q.actorKeyId) qb.andWhere('a.actorKeyId = :actorKeyId', { actorKeyId: q.actorKeyId });
    qb.addSelect('a.seq');
    const page = await paginate(qb, q, { column: 'a.seq', key: (e) => e.seq, isSortValue: isBigintText });
    return { ...page, data: page.data.map(({ seq: _seq, ...entry }) => entry as AuditEntry) };
  }
}
