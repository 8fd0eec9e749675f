import { json, NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problem } from './problem';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Deepest nesting a request body may have. The deepest legitimate body (a usage event's metadata
 * inside a batch) stays far below it; deeper ones would only cost stack in the transformers.
 */
export const MAX_BODY_DEPTH = 64;

/** Every 400 names what is wrong; the path is "" because the body as a whole is. */
function send(res: Response, status: number, detail: string): void {
  const errors = status === 400 ? [{ path: '', message: detail }] : undefined;
  res
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem(status, detail, errors ? { errors } : {})));
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
  if (type === 'entity.parse.failed') return send(res, 400, parseFailure((err as { body?: unknown }).body));
  if (type === 'entity.too.large') return send(res, 413, 'The request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return send(res, 415, 'Unsupported body encoding');
  if (type === 'request.aborted' || type === 'request.size.invalid') return send(res, 400, 'The request body was incomplete');
  next(err);
}

/** The strict parser refuses a bare string, number or null too; say so rather than "not JSON". */
function parseFailure(raw: unknown): string {
  return typeof raw === 'string' && isJson(raw) ? 'The request body must be a JSON object' : 'The request body is not valid JSON';
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A parsed body must be one JSON object (not an array) and not nested deeper than MAX_BODY_DEPTH. */
export function requireObjectBody(req: Request, res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (!BODY_METHODS.has(req.method) || body === undefined) return next();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return send(res, 400, 'The request body must be a JSON object');
  if (nestedDeeperThan(body, MAX_BODY_DEPTH)) return send(res, 400, `The request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
  next();
}

/** Iterative, so that the check itself cannot overflow the stack. */
function nestedDeeperThan(root: object, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Object.values(value as object)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
