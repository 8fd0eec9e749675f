import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from './principal.decorator';
import { Principal } from './role';
import { Roles } from './roles.decorator';

@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/whoami')
export class WhoamiController {
  @Get()
  @Roles('admin', 'billing', 'gateway', 'account', 'provider')
  @ApiOperation({ summary: 'The calling key: name, role and scope (checks that a key works)' })
  whoami(@CurrentPrincipal() p: Principal): { keyId: string; name: string; role: string } {
    return { keyId: p.keyId, name: p.keyName, role: p.role };
  }
}
