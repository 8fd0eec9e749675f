import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { DomainException } from '../common/http/domain.exception';
import { ApiKeysService } from './api-keys.service';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { Principal, RoleKind } from './role';

export type AuthedRequest = Request & { principal?: Principal };

/**
 * Global guard, deny by default: a route is reachable only when it is public or declares the
 * caller's role kind. Admin passes every declared route; a route declaring nothing is closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = await this.authenticate(req);
    const allowed = this.reflector.getAllAndOverride<RoleKind[]>(ROLES_KEY, targets) ?? [];
    if (allowed.length === 0 || !(principal.kind === 'admin' || allowed.includes(principal.kind))) {
      throw new DomainException(403, 'FORBIDDEN', `Role ${principal.role} may not call this endpoint`);
    }
    req.principal = principal;
    return true;
  }

  private async authenticate(req: Request): Promise<Principal> {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new DomainException(401, 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>"');
    const principal = await this.keys.authenticate(match[1]);
    if (!principal) throw new DomainException(401, 'UNAUTHENTICATED', 'The API key is unknown or revoked');
    return principal;
  }
}
