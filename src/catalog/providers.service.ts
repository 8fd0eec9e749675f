import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { NotFoundProblem } from '../common/http/domain.exception';
import { Page, PageQuery } from '../common/pagination/pagination';
import { duplicateCode } from './catalog-errors';
import { isUniqueViolation } from '../database/postgres-errors';
import { CreateProviderDto, ProviderView } from './dto/provider.dto';
import { Provider } from './entities/provider.entity';
import { paginateByCode } from './http/code-page';

@Injectable()
export class ProvidersService {
  constructor(@InjectRepository(Provider) private readonly providers: Repository<Provider>) {}

  async create(dto: CreateProviderDto): Promise<ProviderView> {
    try {
      await this.providers.insert({ code: dto.code, name: dto.name });
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateCode('Provider', dto.code);
      throw err;
    }
    return this.view(dto.code);
  }

  async list(query: PageQuery): Promise<Page<ProviderView>> {
    const page = await paginateByCode(this.providers.createQueryBuilder('p'), query);
    return { ...page, data: page.data.map(toProviderView) };
  }

  async view(code: string): Promise<ProviderView> {
    return toProviderView(await this.get(code));
  }

  /** The provider, or a 404 (for codes in a path). */
  async get(code: string, em?: EntityManager): Promise<Provider> {
    const provider = await this.find(code, em);
    if (!provider) throw new NotFoundProblem('Provider', code);
    return provider;
  }

  find(code: string, em?: EntityManager): Promise<Provider | null> {
    return (em ? em.getRepository(Provider) : this.providers).findOneBy({ code });
  }
}

export function toProviderView(p: Provider): ProviderView {
  return { code: p.code, name: p.name, createdAt: p.createdAt.toISOString() };
}
