import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { OptionalField } from '../validation/presence.validators';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeKeyset, encodeKeyset } from './keyset-cursor';
import { IsSafeInt } from '../validation/text.validators';
import { queryInt } from '../validation/query.transforms';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @OptionalField()
  @Transform(queryInt)
  @IsSafeInt(1, 500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @OptionalField()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface KeysetOrder<T> {
  /** Sort column as `alias.property`; ties are broken by `alias.id`. */
  column: string;
  key: (row: T) => string;
  direction?: 'ASC' | 'DESC';
  /** Validates a decoded sort value (e.g. an instant) so a forged cursor is a 400, not a SQL error. */
  isSortValue?: (v: string) => boolean;
}

/**
 * Keyset pagination: stable under concurrent inserts, no OFFSET scans. Timestamps are stored with
 * millisecond precision so that a cursor made from a JS Date matches the stored value exactly.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(qb: SelectQueryBuilder<T>, query: PageQuery, order: KeysetOrder<T>): Promise<Page<T>> {
  const limit = query.limit ?? 50;
  const dir = order.direction ?? 'DESC';
  const idColumn = `${qb.alias}.id`;
  if (query.cursor) {
    const [value, id] = decodeKeyset(query.cursor, order.isSortValue);
    const op = dir === 'DESC' ? '<' : '>';
    qb.andWhere(`(${order.column}, ${idColumn}) ${op} (:cursorValue, :cursorId)`, { cursorValue: value, cursorId: id });
  }
  const rows = await qb
    .orderBy(order.column, dir)
    .addOrderBy(idColumn, dir)
    .limit(limit + 1)
    .getMany();
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeKeyset(order.key(last), last.id) : null };
}
