import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundProblem } from '../../common/http/domain.exception';
import { CODE_PATTERN } from '../../common/validation/text.validators';

/** A code in a path that could never exist is simply not found: 404, the same as an unknown one. */
@Injectable()
export class CodeParam implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!CODE_PATTERN.test(value)) throw new NotFoundProblem(this.what, JSON.stringify(value).slice(0, 80));
    return value;
  }
}
