import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainException } from '../common/http/domain.exception';
import { UsageBatchDto } from './dto/usage-event.dto';
import { checkUsageBatch } from './usage-batch.validation';

/**
 * The ingest route's body pipe: the same rules and the same 400 as the global validation pipe
 * (the route's parameter is typed so that the global pipe passes it through untouched).
 */
@Injectable()
export class UsageBatchPipe implements PipeTransform<unknown, UsageBatchDto> {
  transform(value: unknown): UsageBatchDto {
    const check = checkUsageBatch(value);
    if (check.ok) return check.batch;
    const detail = check.errors.length === 1 ? check.errors[0].message : `${check.errors.length} fields are invalid`;
    throw new DomainException(400, 'VALIDATION_FAILED', detail, check.errors);
  }
}
