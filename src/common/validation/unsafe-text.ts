import { FieldError } from '../http/problem';
import { isStorableText } from './storable-text';

/**
 * NUL and unpaired UTF-16 surrogates cannot be stored by PostgreSQL (text refuses NUL, jsonb refuses
 * both), so a request carrying them would fail half-way through its writes. They are refused up
 * front, in every string and every object key of a body, query or path, wherever it is nested.
 */

export const hasUnsafeText = (text: string): boolean => !isStorableText(text);

const MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** Every path in `value` holding a string (or a key) that PostgreSQL cannot store. */
export function unsafeTextPaths(value: unknown, path = '', depth = 0): FieldError[] {
  if (typeof value === 'string') return hasUnsafeText(value) ? [{ path, message: `${path || 'value'} ${MESSAGE}` }] : [];
  if (value === null || typeof value !== 'object' || depth > 64) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unsafeTextPaths(v, `${path}[${i}]`, depth + 1));
  return Object.entries(value).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    const own = hasUnsafeText(k) ? [{ path: at, message: `field names ${MESSAGE}` }] : [];
    return [...own, ...unsafeTextPaths(v, at, depth + 1)];
  });
}
