import { FieldError } from './problem';

/**
 * Base of every module's coded exception. Billing code throws these, never a bare Error, so that
 * the HTTP filter can map each to a precise status and a stable machine-readable code.
 */
export class DomainException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

export class NotFoundProblem extends DomainException {
  constructor(what: string, id: string) {
    super(404, 'NOT_FOUND', `${what} ${id} does not exist`);
  }
}

export class ConflictProblem extends DomainException {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class BadInputProblem extends DomainException {
  constructor(path: string, message: string) {
    super(400, 'VALIDATION_FAILED', message, [{ path, message }]);
  }
}
