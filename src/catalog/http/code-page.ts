import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadInputProblem } from '../../common/http/domain.exception';
import { Page, PageQuery } from '../../common/pagination/pagination';
import { CODE_PATTERN } from '../../common/validation/text.validators';

function decodeCodeCursor(cursor: string): string {
  const code = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!CODE_PATTERN.test(code)) throw new BadInputProblem('cursor', 'cursor is not a cursor returned by this list');
  return code;
}

/** Keyset pagination on the primary key `code`, ascending: catalog codes are unique and stable. */
export async function paginateByCode<T extends ObjectLiteral & { code: string }>(qb: SelectQueryBuilder<T>, query: PageQuery): Promise<Page<T>> {
  const limit = query.limit ?? 50;
  const column = `${qb.alias}.code`;
  if (query.cursor) qb.andWhere(`${column} > :afterCode`, { afterCode: decodeCodeCursor(query.cursor) });
  const rows = await qb
    .orderBy(column, 'ASC')
    .limit(limit + 1)
    .getMany();
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  const nextCursor = rows.length > limit && last ? Buffer.from(last.code, 'utf8').toString('base64url') : null;
  return { data, nextCursor };
}
