import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainException } from './domain.exception';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id in a path that cannot exist is simply not found: 404, the same as an unknown one. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new DomainException(404, 'NOT_FOUND', `No resource with id ${value}`);
    return value.toLowerCase();
  }
}
