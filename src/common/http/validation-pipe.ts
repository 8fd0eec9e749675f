import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainException } from './domain.exception';
import { FieldError } from './problem';

/** Flattens nested class-validator errors into `{ path, message }` with dotted/indexed paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const path = /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, message: unknownFieldMessage(message, path) }));
    return [...own, ...flattenValidationErrors(e.children ?? [], path)];
  });
}

function unknownFieldMessage(message: string, path: string): string {
  return message.startsWith('property ') && message.endsWith(' should not exist') ? `${path} is not an allowed field` : message;
}

export function buildValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const list = flattenValidationErrors(errors);
      const detail = list.length === 1 ? list[0].message : `${list.length} fields are invalid`;
      return new DomainException(400, 'VALIDATION_FAILED', detail, list);
    },
  });
}
