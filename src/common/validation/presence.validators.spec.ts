import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { IsInt, getMetadataStorage, validateSync } from 'class-validator';
import { NullableField, OptionalField, OptionalNullableField } from './presence.validators';

class Probe {
  @OptionalField() @IsInt() optional?: number;
  @NullableField() @IsInt() nullable: number | null;
  @OptionalNullableField() @IsInt() either?: number | null;
}

const failing = (body: object) =>
  validateSync(plainToInstance(Probe, body))
    .map((e) => e.property)
    .sort();

describe('presence of request fields', () => {
  it('optional: may be left out, but null is refused like any wrong value', () => {
    expect(failing({ nullable: 1 })).toEqual([]);
    expect(failing({ nullable: 1, optional: null })).toEqual(['optional']);
    expect(failing({ nullable: 1, optional: 'x' })).toEqual(['optional']);
  });

  it('nullable: required, null accepted as "none"', () => {
    expect(failing({ nullable: null })).toEqual([]);
    expect(failing({})).toEqual(['nullable']);
  });

  it('optional and nullable: absent or null', () => {
    expect(failing({ nullable: 1, either: null })).toEqual([]);
    expect(failing({ nullable: 1, either: 'x' })).toEqual(['either']);
  });

  it('no request DTO uses class-validator’s IsOptional, which lets null through', () => {
    const src = join(__dirname, '..', '..');
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => /(^|\/)dto\/[^/]+\.ts$/.test(f) || f.endsWith('pagination/pagination.ts'));
    expect(files.length).toBeGreaterThan(15);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const f of files) require(join(src, f));
    const offenders = (getMetadataStorage() as unknown as { validationMetadatas: Map<Function, { name?: string; propertyName: string }[]> })
      .validationMetadatas;
    const named = [...offenders.entries()].flatMap(([target, list]) =>
      list.filter((m) => m.name === 'isOptional').map((m) => `${target.name}.${m.propertyName}`),
    );
    expect(named).toEqual([]);
  });
});
