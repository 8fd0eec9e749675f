import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { BadInputProblem, ConflictProblem, NotFoundProblem } from '../common/http/domain.exception';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, paginate } from '../common/pagination/pagination';
import { Account } from './entities/account.entity';
import { AccountQuery, AccountView, CreateAccountDto, UpdateAccountDto } from './dto/account.dto';

@Injectable()
export class AccountsService {
  constructor(@InjectRepository(Account) private readonly accounts: Repository<Account>) {}

  async create(dto: CreateAccountDto): Promise<AccountView> {
    const inserted = await this.accounts
      .createQueryBuilder()
      .insert()
      .values({ ...dto, status: 'active' })
      .orIgnore()
      .returning('*')
      .execute();
    if (inserted.identifiers.length === 0 || !inserted.raw[0]) {
      throw new ConflictProblem('DUPLICATE_EXTERNAL_REF', `An account with externalRef ${dto.externalRef} already exists`);
    }
    return AccountView.of(await this.get(inserted.raw[0].id as string));
  }

  async get(id: string): Promise<Account> {
    const account = await this.accounts.findOneBy({ id });
    if (!account) throw new NotFoundProblem('Account', id);
    return account;
  }

  async update(id: string, dto: UpdateAccountDto): Promise<AccountView> {
    const account = await this.get(id);
    Object.assign(account, dto);
    return AccountView.of(await this.accounts.save(account));
  }

  async list(q: AccountQuery, onlyId?: string): Promise<Page<AccountView>> {
    const qb = this.accounts.createQueryBuilder('a');
    if (q.externalRef) qb.andWhere('a.externalRef = :ref', { ref: q.externalRef });
    if (onlyId) qb.andWhere('a.id = :onlyId', { onlyId });
    const page = await paginate(qb, q, { column: 'a.createdAt', key: (a) => a.createdAt.toISOString(), isSortValue: isIsoInstant });
    return { ...page, data: page.data.map(AccountView.of) };
  }

  /** For a reference inside a body: unknown is a 400 naming the field, closed is a 409. */
  async getOpenForReference(em: EntityManager, id: string, field = 'accountId'): Promise<Account> {
    const account = await em.findOneBy(Account, { id });
    if (!account) throw new BadInputProblem(field, `${field} ${id} does not exist`);
    if (account.status !== 'active') throw new ConflictProblem('ACCOUNT_CLOSED', `Account ${id} is ${account.status}`);
    return account;
  }
}
