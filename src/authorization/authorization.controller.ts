import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { NotAudited } from '../audit/audited.decorator';
import { DomainException } from '../common/http/domain.exception';
import { AuthorizationService } from './authorization.service';
import { AuthorizationView, AuthorizeDto } from './dto/authorize.dto';

const RESERVATIONS_OFF = 'reservations are not enabled on this deployment';

@ApiTags('authorization')
@ApiBearerAuth()
@Controller('v1/authorize')
@Roles('gateway', 'admin', 'billing')
@NotAudited()
export class AuthorizationController {
  constructor(private readonly authorization: AuthorizationService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'May this subscriber call this model now? Answers 200 whether allowed or not',
    description:
      'Checks in order: UNKNOWN_SUBSCRIBER, UNKNOWN_MODEL, MODEL_NOT_IN_PLAN, SUBSCRIPTION_SUSPENDED, ' +
      'SUBSCRIPTION_ENDED, MEMBER_CAP_REACHED, BALANCE_EXHAUSTED, SPENDING_CAP_REACHED; the first that applies is the reason. ' +
      'Reservations are not enabled on this deployment: `reserve: true` is a 400 naming `reserve` ' +
      '(and without estimatedCredits a 400 naming `estimatedCredits`).',
  })
  @ApiOkResponse({ type: AuthorizationView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, or RESERVATIONS_NOT_ENABLED for reserve: true' })
  authorize(@Body() dto: AuthorizeDto): Promise<AuthorizationView> {
    if (dto.reserve === true) {
      throw new DomainException(400, 'RESERVATIONS_NOT_ENABLED', RESERVATIONS_OFF, [{ path: 'reserve', message: RESERVATIONS_OFF }]);
    }
    return this.authorization.authorize(dto);
  }
}
