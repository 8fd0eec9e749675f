import { SetMetadata } from '@nestjs/common';
import { RoleKind } from './role';

export const ROLES_KEY = 'access:roles';
export const PUBLIC_KEY = 'access:public';

/** Declares who may call a route. Admin may call every non-public route; nobody else unless listed. */
export const Roles = (...kinds: RoleKind[]) => SetMetadata(ROLES_KEY, kinds);
export const Public = () => SetMetadata(PUBLIC_KEY, true);
