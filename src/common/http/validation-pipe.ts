import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { unsafeTextPaths } from '../validation/unsafe-text';
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

/** Class-validator's checks, preceded by one that no DTO can forget: text PostgreSQL cannot store. */
class StorableTextValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') refuseUnsafeText(value, metadata);
    return super.transform(value, metadata);
  }
}

function refuseUnsafeText(value: unknown, metadata: ArgumentMetadata): void {
  const prefix = metadata.type === 'body' ? '' : (metadata.data ?? '');
  const list = unsafeTextPaths(value, prefix);
  if (list.length === 0) return;
  const detail = list.length === 1 ? list[0].message : `${list.length} fields are invalid`;
  throw new DomainException(400, 'VALIDATION_FAILED', detail, list);
}

export function buildValidationPipe(): ValidationPipe {
  return new StorableTextValidationPipe({
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
