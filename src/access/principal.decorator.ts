import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthedRequest } from './api-key.guard';
import { Principal } from './role';

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<AuthedRequest>().principal!,
);
