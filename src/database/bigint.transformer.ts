import { ValueTransformer } from 'typeorm';
import { dbIntOrNull } from './db-integer';

/**
 * PostgreSQL returns bigint as a string. Money and credits are exposed as JSON numbers, so they
 * must stay within 2^53 − 1; a value beyond that is a data error, never silently rounded.
 */
export const bigintTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null): number | null => dbIntOrNull(value, 'bigint column value'),
};
