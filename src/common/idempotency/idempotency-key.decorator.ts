import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { Request } from 'express';
import { BadInputProblem } from '../http/domain.exception';
import { IdempotencyRef } from './idempotency.service';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Canonical JSON: keys sorted, so that the same body in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Reads the optional `Idempotency-Key` header into a reference scoped to this route. */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): IdempotencyRef | null => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const key = req.header('idempotency-key');
  if (key === undefined) return null;
  if (!KEY_PATTERN.test(key)) throw new BadInputProblem('Idempotency-Key', 'Idempotency-Key must be 1..255 printable characters');
  const scope = `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
  const fingerprint = createHash('sha256').update(canonicalJson({ params: req.params, body: req.body ?? null })).digest('hex');
  return { scope, key, fingerprint };
});

export const ApiIdempotencyKey = () =>
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and body replays the first answer; another body is a 409' });
