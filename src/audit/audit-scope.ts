import { AsyncLocalStorage } from 'node:async_hooks';
import { EntityManager } from 'typeorm';
import { AuditRecord } from './audit.service';

type Write = (em: EntityManager, record: AuditRecord) => Promise<void>;

interface PendingAudit {
  record: Omit<AuditRecord, 'entityId'>;
  write: Write;
  entityIdOf: (result: unknown) => string | null;
  written: boolean;
}

const storage = new AsyncLocalStorage<PendingAudit>();

/**
 * The audit entry a request still owes, for handlers marked @AuditedInServiceTransaction: the
 * service's transaction writes it (writePendingAudit) before it commits.
 */
export const AuditScope = {
  run<T>(pending: Omit<PendingAudit, 'written'>, work: () => Promise<T>): Promise<{ result: T; written: boolean }> {
    const scope: PendingAudit = { ...pending, written: false };
    return storage.run(scope, async () => ({ result: await work(), written: scope.written }));
  },
};

/** Called inside a service transaction; does nothing outside an audited request. */
export async function writePendingAudit(em: EntityManager, result: unknown): Promise<void> {
  const scope = storage.getStore();
  if (!scope || scope.written) return;
  await scope.write(em, { ...scope.record, entityId: scope.entityIdOf(result) });
  scope.written = true;
}
