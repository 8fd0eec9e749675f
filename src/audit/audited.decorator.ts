import { SetMetadata } from '@nestjs/common';

export const AUDIT_ENTITY_KEY = 'audit:entity';
export const NO_AUDIT_KEY = 'audit:skip';

/** Names the entity a controller changes; every successful non-GET call on it is written to the audit log. */
export const Audited = (entity: string) => SetMetadata(AUDIT_ENTITY_KEY, entity);
/** For high-volume machine calls that change no staff-managed state (ingest, authorize). */
export const NotAudited = () => SetMetadata(NO_AUDIT_KEY, true);
