import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { NotAudited } from '../audit/audited.decorator';
import { AuthorizationService } from './authorization.service';
import { AuthorizationView, AuthorizeDto } from './dto/authorize.dto';

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
      'With `reserve: true` (estimatedCredits then required, else a 400 naming it), an allowed answer also holds ' +
      'estimatedCredits and returns `reservationId` and `reservationExpiresAt`: held credits count as spent for every ' +
      'other authorization of the pool, the member cap and the spending cap, and a hold must fit whole within each. ' +
      "Send the call's usage event with the same `reservationId` to settle it (actual credits charged, hold released), " +
      'or POST /v1/reservations/{id}/release if the call is not made; an unsettled hold expires after RESERVATION_TTL_SECONDS.',
  })
  @ApiOkResponse({ type: AuthorizationView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, including reserve: true without estimatedCredits' })
  authorize(@Body() dto: AuthorizeDto): Promise<AuthorizationView> {
    return this.authorization.authorize(dto);
  }
}
