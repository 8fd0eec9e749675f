import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { BillingRuleError } from '../../billing-rules/billing-rule-error';
import { DomainException } from './domain.exception';
import { PROBLEM_CONTENT_TYPE, Problem, problem } from './problem';

/** Turns every error that leaves a controller into RFC 9457 problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const body = { ...this.toProblem(exception), instance: req.originalUrl };
    if (body.status >= 500) this.logger.error({ err: exception, path: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    if (body.code === 'STATEMENT_TIMEOUT' || body.code === 'REPORTS_BUSY') res.setHeader('Retry-After', '5');
    res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  /** Every 400 carries a non-empty `errors` list; one raised without names the body as a whole. */
  toProblem(exception: unknown): Problem {
    const body = this.describe(exception);
    if (body.status !== 400 || (body.errors && body.errors.length > 0)) return body;
    return { ...body, errors: [{ path: '', message: body.detail }] };
  }

  private describe(exception: unknown): Problem {
    if (exception instanceof DomainException) {
      return problem(exception.status, exception.message, { code: exception.code, errors: exception.errors });
    }
    if (exception instanceof HttpException) return this.fromHttp(exception);
    if (isDatabaseUnreachable(exception)) return problem(503, 'The database is unavailable; retry later', { code: 'DATABASE_UNAVAILABLE' });
    if (exception instanceof QueryFailedError) return this.fromDatabase(exception as QueryFailedError<Error>);
    // A billing rule refuses only figures it was given; they came from the request or from terms
    // the request points at, so it is bad input (the rule's message names the figure), never a 500.
    if (exception instanceof BillingRuleError) {
      return problem(400, exception.message, { code: exception.code, errors: [{ path: '', message: exception.message }] });
    }
    return problem(500, 'An unexpected error occurred; it has been logged.');
  }

  private fromHttp(exception: HttpException): Problem {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    const checks = typeof response === 'object' ? (response as { details?: unknown }).details : undefined;
    if (status === 503 && checks) return problem(503, 'A dependency is unavailable', { code: 'UNHEALTHY', checks });
    if (status === 404 && detail.startsWith('Cannot ')) return problem(404, `No route for ${detail.slice(7)}`);
    return problem(status, detail);
  }

  /** Constraint violations that slip past service checks still answer 409, never 500. */
  private fromDatabase(error: QueryFailedError): Problem {
    const code = (error.driverError as { code?: string } | undefined)?.code;
    const pgDetail = (error.driverError as { detail?: string } | undefined)?.detail;
    if (code === '23505') return problem(409, pgDetail ?? 'A resource with this key already exists', { code: 'DUPLICATE' });
    if (code === '23P01') return problem(409, 'The change overlaps an existing record', { code: 'OVERLAP' });
    if (code === '23503') return problem(409, pgDetail ?? 'A referenced resource does not exist', { code: 'REFERENCE' });
    if (code === '40001' || code === '40P01') return problem(409, 'Concurrent update; retry the request', { code: 'RETRY' });
    if (code === '57014') {
      return problem(503, 'The request took longer than this server allows (API_STATEMENT_TIMEOUT_MS) and was undone; narrow it or retry later', {
        code: 'STATEMENT_TIMEOUT',
      });
    }
    return problem(500, 'An unexpected database error occurred; it has been logged.');
  }
}

/**
 * A lost or refused database connection (the server restarting, a terminated backend, a
 * database closed to connections) is the moment's fault, not a bug: 503, so clients retry.
 */
function isDatabaseUnreachable(e: unknown): boolean {
  const err = (e instanceof QueryFailedError ? e.driverError : e) as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  if (code.startsWith('08') || code.startsWith('57P') || code === '55000' || code === 'ECONNREFUSED' || code === 'ECONNRESET') return true;
  return typeof err.message === 'string' && /^Connection terminated|is not queryable|^timeout exceeded when trying to connect/.test(err.message);
}
