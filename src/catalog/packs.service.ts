import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { NotFoundProblem } from '../common/http/domain.exception';
import { Page, PageQuery } from '../common/pagination/pagination';
import { CatalogErrorCode, duplicateCode, retired, unknownReference } from './catalog-errors';
import { isUniqueViolation } from '../database/postgres-errors';
import { CreatePackDto, PackView, UpdatePackDto } from './dto/pack.dto';
import { Pack } from './entities/pack.entity';
import { paginateByCode } from './http/code-page';

@Injectable()
export class PacksService {
  constructor(@InjectRepository(Pack) private readonly packs: Repository<Pack>) {}

  async create(dto: CreatePackDto): Promise<PackView> {
    const days = dto.validity.kind === 'days' ? (dto.validity.days ?? null) : null;
    try {
      await this.packs.insert({
        code: dto.code,
        name: dto.name,
        priceFen: dto.priceFen,
        credits: dto.credits,
        validityKind: dto.validity.kind,
        validityDays: days,
        status: 'active',
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateCode('Pack', dto.code);
      throw err;
    }
    return this.view(dto.code);
  }

  async list(query: PageQuery): Promise<Page<PackView>> {
    const page = await paginateByCode(this.packs.createQueryBuilder('p'), query);
    return { ...page, data: page.data.map(toPackView) };
  }

  async view(code: string): Promise<PackView> {
    return toPackView(await this.get(code));
  }

  /** The pack whatever its status, or a 404 (for codes in a path). */
  async get(code: string, em?: EntityManager): Promise<Pack> {
    const pack = await (em ? em.getRepository(Pack) : this.packs).findOneBy({ code });
    if (!pack) throw new NotFoundProblem('Pack', code);
    return pack;
  }

  /** The pack a top-up may buy: 400 on `packCode` when unknown, 409 PACK_RETIRED when retired. */
  async getSellable(code: string, em?: EntityManager): Promise<Pack> {
    const repo = em ? em.getRepository(Pack) : this.packs;
    const inTransaction = em?.queryRunner?.isTransactionActive === true;
    const pack = await repo.findOne({ where: { code }, ...(inTransaction ? { lock: { mode: 'pessimistic_read' } } : {}) });
    if (!pack) throw unknownReference('packCode', 'pack', code);
    if (pack.status !== 'active') throw retired(CatalogErrorCode.PACK_RETIRED, 'Pack', code);
    return pack;
  }

  /** Name and status only; price, credits and validity were refused with a 409 before validation. */
  async update(code: string, dto: UpdatePackDto): Promise<PackView> {
    await this.get(code);
    const changes = { ...(dto.name !== undefined && { name: dto.name }), ...(dto.status !== undefined && { status: dto.status }) };
    if (Object.keys(changes).length > 0) await this.packs.update({ code }, changes);
    return this.view(code);
  }
}

export function toPackView(p: Pack): PackView {
  return {
    code: p.code,
    name: p.name,
    priceFen: p.priceFen,
    credits: p.credits,
    validity: p.validityKind === 'days' ? { kind: 'days', days: p.validityDays ?? undefined } : { kind: 'cycle' },
    status: p.status,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
