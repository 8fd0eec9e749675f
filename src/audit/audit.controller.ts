import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { Page } from '../common/pagination/pagination';
import { AuditService } from './audit.service';
import { AuditQuery } from './dto/audit-query.dto';
import { AuditEntry } from './entities/audit-entry.entity';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit-log')
@Roles('admin', 'billing')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  list(@Query() query: AuditQuery): Promise<Page<AuditEntry>> {
    return this.audit.list(query);
  }
}
