import { json, NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problem } from './problem';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function send(res: Response, status: number, detail: string): void {
  res.status(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(status, detail)));
}

/** A request that carries a body must say it is JSON; anything else is 415, not a confusing 400. */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (BODY_METHODS.has(req.method) && hasBody && !req.is(['application/json', 'application/*+json'])) {
    return send(res, 415, 'Request bodies must be application/json');
  }
  next();
}

export function jsonBodyParser(limitBytes: number) {
  return json({ limit: limitBytes, type: ['application/json', 'application/*+json'], strict: true });
}

/** Errors raised by the body parser, before Nest's own filters can see the request. */
export function bodyParserErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.parse.failed') return send(res, 400, 'The request body is not valid JSON');
  if (type === 'entity.too.large') return send(res, 413, 'The request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return send(res, 415, 'Unsupported body encoding');
  if (type === 'request.aborted' || type === 'request.size.invalid') return send(res, 400, 'The request body was incomplete');
  next(err);
}
