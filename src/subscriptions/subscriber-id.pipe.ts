import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundProblem } from '../common/http/domain.exception';
import { SUBSCRIBER_ID_PATTERN } from '../common/validation/text.validators';

/** A subscriberId in a path that cannot exist is not found. */
@Injectable()
export class SubscriberIdParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SUBSCRIBER_ID_PATTERN.test(value)) throw new NotFoundProblem('Member', value);
    return value;
  }
}
