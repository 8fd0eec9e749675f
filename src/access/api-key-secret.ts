import { createHash, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'tpb_';

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
