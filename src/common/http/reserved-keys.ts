import { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problem } from './problem';

/** Keys that name an object's prototype machinery rather than data. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses a JSON body that uses a prototype key as a field name, at any depth. JSON.parse makes
 * them harmless own properties, but the object mappers downstream treat `constructor` as the
 * class of the value and fail (a 500 for bad input), so they never get that far.
 */
export function refuseReservedKeys(req: Request, res: Response, next: NextFunction): void {
  const path = reservedKeyPath(req.body);
  if (path === null) return next();
  const message = `${path} uses a reserved name (__proto__, constructor or prototype) as a field name`;
  res
    .status(400)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem(400, message, { code: 'VALIDATION_FAILED', errors: [{ path, message }] })));
}

/** The path of the first reserved key in a parsed JSON value, or null. Iterative: depth costs no stack. */
export function reservedKeyPath(body: unknown): string | null {
  const stack: [unknown, string][] = [[body, '']];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${at}[${i}]`]));
      continue;
    }
    for (const key of Object.keys(value)) {
      const path = at ? `${at}.${key}` : key;
      if (RESERVED_KEYS.has(key)) return path;
      stack.push([(value as Record<string, unknown>)[key], path]);
    }
  }
  return null;
}
