import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { TABLE_OWNERS } from './table-owners';

const SRC = join(__dirname, '..');
/** Migrations and the demo/seed tooling set up data wholesale; they are not modules of the running product. */
const EXEMPT = new Set(['cli', 'architecture']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Entity class name → table, from every `@Entity('table')` declaration. */
function entityTables(files: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/@Entity\(\s*'([a-z_]+)'[^)]*\)\s*export class (\w+)/g)) map.set(m[2], m[1]);
  }
  return map;
}

/** Every table a file writes: raw SQL, entity-manager calls, and calls on injected repositories. */
function tablesWritten(text: string, entities: Map<string, string>): Set<string> {
  const written = new Set<string>();
  const sql = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)\b/g;
  for (const m of text.matchAll(sql)) if (m[1] in TABLE_OWNERS) written.add(m[1]);
  const byEntity = /\.(?:insert|update|save|delete|upsert|increment|decrement|softDelete|remove)\(\s*(\w+)\s*,/g;
  for (const m of text.matchAll(byEntity)) if (entities.has(m[1])) written.add(entities.get(m[1])!);
  const createSave = /\.save\(\s*\w+\.create\(\s*(\w+)/g;
  for (const m of text.matchAll(createSave)) if (entities.has(m[1])) written.add(entities.get(m[1])!);
  const viaRepository = /getRepository\(\s*(\w+)\s*\)\s*\.(?:insert|update|save|delete|upsert|increment|decrement|remove)\(/g;
  for (const m of text.matchAll(viaRepository)) if (entities.has(m[1])) written.add(entities.get(m[1])!);
  for (const m of text.matchAll(/(\w+)\s*:\s*Repository<(\w+)>/g)) {
    const [, field, entity] = m;
    const call = new RegExp(
      `this\\.${field}\\s*\\.(?:insert|update|save|delete|upsert|increment|decrement|remove|createQueryBuilder\\(\\)\\s*\\.(?:insert|update|delete))\\(`,
    );
    if (entities.has(entity) && call.test(text)) written.add(entities.get(entity)!);
  }
  return written;
}

describe('table ownership', () => {
  const files = sourceFiles(SRC);
  const entities = entityTables(files);

  it('knows the owner of every table an entity maps', () => {
    const unowned = [...entities.values()].filter((t) => !(t in TABLE_OWNERS));
    expect(unowned).toEqual([]);
  });

  it('lets only the owning module write a table', () => {
    const trespasses: string[] = [];
    for (const file of files) {
      const module = relative(SRC, file).split(sep)[0];
      if (EXEMPT.has(module)) continue;
      for (const table of tablesWritten(readFileSync(file, 'utf8'), entities)) {
        if (TABLE_OWNERS[table] !== module) trespasses.push(`${relative(SRC, file)} writes ${table} (owner: ${TABLE_OWNERS[table]})`);
      }
    }
    expect(trespasses).toEqual([]);
  });

  it('detects the writes it claims to detect', () => {
    const sample = `
      await em.query('UPDATE cycles SET status = 1');
      await em.insert(BucketRow, {});
      @InjectRepository(Charge) private readonly charges: Repository<Charge>;
      await this.charges.update({ id }, {});`;
    const known = new Map([
      ['BucketRow', 'buckets'],
      ['Charge', 'charges'],
    ]);
    expect([...tablesWritten(sample, known)].sort()).toEqual(['buckets', 'charges', 'cycles']);
  });
});
