import { ApiKey } from '../access/entities/api-key.entity';
import { AuditEntry } from '../audit/entities/audit-entry.entity';
import { IdempotencyRecord } from '../common/idempotency/entities/idempotency-record.entity';

/** Every entity, listed once for the app and the TypeORM CLI alike. */
export const ENTITIES = [ApiKey, AuditEntry, IdempotencyRecord];
