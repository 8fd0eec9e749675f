import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/roles.decorator';
import { CurrentPrincipal } from '../access/principal.decorator';
import { Principal } from '../access/role';
import { assertAccountVisible, scopedAccountId } from '../access/account-scope';
import { Audited } from '../audit/audited.decorator';
import { UuidParam } from '../common/http/uuid-param.pipe';
import { Page } from '../common/pagination/pagination';
import { AccountsService } from './accounts.service';
import { AccountQuery, AccountView, CreateAccountDto, UpdateAccountDto } from './dto/account.dto';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/accounts')
@Audited('account')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @Roles('admin', 'billing')
  create(@Body() dto: CreateAccountDto): Promise<AccountView> {
    return this.accounts.create(dto);
  }

  @Get()
  @Roles('admin', 'billing', 'account')
  list(@Query() q: AccountQuery, @CurrentPrincipal() p: Principal): Promise<Page<AccountView>> {
    return this.accounts.list(q, scopedAccountId(p, undefined));
  }

  @Get(':id')
  @Roles('admin', 'billing', 'account')
  async get(@Param('id', UuidParam) id: string, @CurrentPrincipal() p: Principal): Promise<AccountView> {
    assertAccountVisible(p, id, 'Account', id);
    return AccountView.of(await this.accounts.get(id));
  }

  @Patch(':id')
  @Roles('admin', 'billing')
  update(@Param('id', UuidParam) id: string, @Body() dto: UpdateAccountDto): Promise<AccountView> {
    return this.accounts.update(id, dto);
  }
}
