/**
 * Roles of SPEC access rules. `account:<id>` and `provider:<code>` are scoped partner roles:
 * the part after the colon is the only account or provider the key may see.
 */
export const STAFF_ROLES = ['admin', 'billing'] as const;
export type RoleKind = 'admin' | 'billing' | 'gateway' | 'account' | 'provider';

export interface Principal {
  keyId: string;
  keyName: string;
  role: string;
  kind: RoleKind;
  scope: string | null;
}

/**
 * The scope must be a well-formed UUID or code: a key whose scope the database cannot compare
 * (`account:` followed by 36 dashes) would pass creation and fail every request later.
 */
export const ROLE_PATTERN =
  /^(admin|billing|gateway)$|^(account):([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$|^(provider):([A-Za-z0-9][A-Za-z0-9._:-]{0,63})$/;

export function parseRole(role: string): { kind: RoleKind; scope: string | null } | null {
  const m = ROLE_PATTERN.exec(role);
  if (!m) return null;
  if (m[1]) return { kind: m[1] as RoleKind, scope: null };
  if (m[2]) return { kind: 'account', scope: m[3].toLowerCase() };
  return { kind: 'provider', scope: m[5] };
}
