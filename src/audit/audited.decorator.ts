import { SetMetadata } from '@nestjs/common';

export const AUDIT_ENTITY_KEY = 'audit:entity';
export const NO_AUDIT_KEY = 'audit:skip';

/** Names the entity a controller changes; every successful non-GET call on it is written to the audit log. */
export const Audited = (entity: string) => SetMetadata(AUDIT_ENTITY_KEY, entity);
/** For high-volume machine calls that change no staff-managed state (ingest, authorize). */
export const NotAudited = () => SetMetadata(NO_AUDIT_KEY, true);

export const AUDIT_IN_SERVICE_KEY = 'audit:in-service';
/**
 * For handlers whose work cannot run inside one request transaction (it takes a session lock, reads
 * its own writes from another connection, or enqueues jobs that must see them committed): the
 * audit entry is written instead by the service's own transaction, through IdempotencyService.
 */
export const AuditedInServiceTransaction = () => SetMetadata(AUDIT_IN_SERVICE_KEY, true);
