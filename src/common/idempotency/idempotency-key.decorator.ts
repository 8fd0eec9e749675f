import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { Request } from 'express';
import { BadInputProblem } from '../http/domain.exception';
import { IdempotencyRef } from './idempotency.service';
import { canonicalJson } from '../json/canonical-json';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Reads the optional `Idempotency-Key` header into a reference scoped to this route. */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): IdempotencyRef | null => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const key = req.header('idempotency-key');
  if (key === undefined) return null;
  if (!KEY_PATTERN.test(key)) throw new BadInputProblem('Idempotency-Key', 'Idempotency-Key must be 1..255 printable characters');
  const scope = `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
  const fingerprint = createHash('sha256')
    .update(canonicalJson({ params: req.params, body: req.body ?? null }))
    .digest('hex');
  return { scope, key, fingerprint };
});

export const ApiIdempotencyKey = () =>
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and body replays the first answer; another body is a 409' });
