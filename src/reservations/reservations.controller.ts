import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Audited } from '../audit/audited.decorator';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Page } from '../common/pagination/pagination';
import { ReservationQuery, ReservationView } from './dto/reservation.dto';
import { ReservationsService } from './reservations.service';

@ApiTags('authorization')
@ApiBearerAuth()
@Controller('v1/reservations')
@Audited('reservation')
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Get()
  @Roles('admin', 'billing')
  @ApiOperation({ summary: 'Open holds of a subscription (not settled, released or past their expiry), newest first' })
  list(@Query() q: ReservationQuery): Promise<Page<ReservationView>> {
    return this.reservations.listOpen(q);
  }

  @Post(':id/release')
  @HttpCode(200)
  @Roles('gateway', 'admin', 'billing')
  @ApiOperation({
    summary: 'Releases a hold early (the call was not made); releasing a closed hold is a no-op answering its state',
    description: 'A hold that a usage event already settled stays settled: its actual credits were charged.',
  })
  @ApiOkResponse({ type: ReservationView })
  @ApiNotFoundResponse({ description: 'No such reservation' })
  release(@Param('id', UuidParam) id: string): Promise<ReservationView> {
    return this.reservations.release(id);
  }
}
