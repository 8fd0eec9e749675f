import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Page } from '../common/pagination/pagination';
import { AlertsService } from './alerts.service';
import { AlertQuery, AlertView } from './dto/alert.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/alerts')
@Roles('admin', 'billing')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  list(@Query() q: AlertQuery): Promise<Page<AlertView>> {
    return this.alerts.list(q);
  }
}
