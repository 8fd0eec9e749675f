import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, from, lastValueFrom } from 'rxjs';
import { AuthedRequest } from '../access/api-key.guard';
import { RequestTransaction } from '../database/request-transaction';
import { AUDIT_ENTITY_KEY, AUDIT_IN_SERVICE_KEY, NO_AUDIT_KEY } from './audited.decorator';
import { AuditScope } from './audit-scope';
import { AuditRecord, AuditService } from './audit.service';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every successful change made through the API is audited in the same transaction as the change:
 * the handler runs inside one request transaction and the entry is its last write, so there is
 * never a change without its entry, nor an entry without its change.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly transaction: RequestTransaction,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    if (READ_METHODS.has(req.method) || this.reflector.getAllAndOverride<boolean>(NO_AUDIT_KEY, targets)) {
      return next.handle();
    }
    const entity = this.reflector.getAllAndOverride<string>(AUDIT_ENTITY_KEY, targets) ?? 'unknown';
    const record = this.recordOf(req, entity, `${entity}.${context.getHandler().name}`);
    const handle = () => lastValueFrom(next.handle(), { defaultValue: undefined });
    if (this.reflector.getAllAndOverride<boolean>(AUDIT_IN_SERVICE_KEY, targets)) return from(this.inService(record, req, handle));
    return from(this.transaction.run(handle, (runner, result) => this.audit.recordIn(runner, { ...record, entityId: entityIdOf(req.params, result) })));
  }

  private async inService(record: Omit<AuditRecord, 'entityId'>, req: AuthedRequest, handle: () => Promise<unknown>): Promise<unknown> {
    const entityIdFor = (result: unknown) => entityIdOf(req.params, result);
    const write = (em: Parameters<AuditService['recordIn']>[0], r: AuditRecord) => this.audit.recordIn(em, r);
    const { result, written } = await AuditScope.run({ record, write, entityIdOf: entityIdFor }, handle);
    if (!written) {
      // A handler marked for in-service auditing that never reached its service transaction.
      this.logger.warn({ action: record.action }, 'audit entry written after the change');
      await this.audit.recordIn(this.audit.manager(), { ...record, entityId: entityIdFor(result) });
    }
    return result;
  }

  private recordOf(req: AuthedRequest, entity: string, action: string): Omit<AuditRecord, 'entityId'> {
    const id = (req as { id?: unknown }).id;
    return {
      principal: req.principal ?? null,
      action,
      entity,
      changes: { params: req.params, body: req.body ?? null },
      requestId: id ? String(id) : null,
    };
  }
}

function entityIdOf(params: Record<string, unknown>, result: unknown): string | null {
  const body = result && typeof result === 'object' ? (result as { id?: unknown; code?: unknown }) : undefined;
  const fromResult = body?.id ?? body?.code;
  if (typeof fromResult === 'string' || typeof fromResult === 'number') return String(fromResult);
  const fromPath = params.id ?? params.code;
  return typeof fromPath === 'string' ? fromPath : null;
}
