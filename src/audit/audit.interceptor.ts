import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, mergeMap } from 'rxjs';
import { AuthedRequest } from '../access/api-key.guard';
import { AUDIT_ENTITY_KEY, NO_AUDIT_KEY } from './audited.decorator';
import { AuditService } from './audit.service';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes one audit entry per successful change made through the API, after the handler has
 * committed. The response waits for the entry, so a change that answered success is audited.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    if (READ_METHODS.has(req.method) || this.reflector.getAllAndOverride<boolean>(NO_AUDIT_KEY, targets)) {
      return next.handle();
    }
    const entity = this.reflector.getAllAndOverride<string>(AUDIT_ENTITY_KEY, targets) ?? 'unknown';
    const action = `${entity}.${context.getHandler().name}`;
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.audit.record({
          principal: req.principal ?? null,
          action,
          entity,
          entityId: entityIdOf(req.params, result),
          changes: { params: req.params, body: req.body ?? null },
          requestId: (req as { id?: unknown }).id ? String((req as { id?: unknown }).id) : null,
        });
        return result;
      }),
    );
  }
}

function entityIdOf(params: Record<string, unknown>, result: unknown): string | null {
  const body = result && typeof result === 'object' ? (result as { id?: unknown; code?: unknown }) : undefined;
  const fromResult = body?.id ?? body?.code;
  if (typeof fromResult === 'string' || typeof fromResult === 'number') return String(fromResult);
  const fromPath = params.id ?? params.code;
  return typeof fromPath === 'string' ? fromPath : null;
}
