import fc from 'fast-check';

/** The subset of an OpenAPI schema the generators read. */
export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  nullable?: boolean;
}

export type Components = Record<string, Schema>;

/**
 * Values that have broken parsers before: impossible calendar dates, years outside what the database
 * takes, integers past 2^53, lookalike strings, text PostgreSQL cannot store (NUL, lone surrogates).
 * `null` comes in through junkJson: refused outside nullable fields, it must never be a 500.
 */
const EDGE_STRINGS = [
  '',
  ' ',
  '2026-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '1999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-14:00',
  '2026-11-15T00:00:00+08:00',
  '2026-11',
  '1999-12',
  '0000-00',
  '12',
  '-1',
  '1e309',
  '9007199254740993',
  'true',
  '*',
  'account:------------------------------------',
  'provider:x',
  '00000000-0000-0000-0000-000000000000',
  '6f0a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
  'x'.repeat(600),
  '__proto__',
  'constructor',
  "'; DROP TABLE accounts; --",
  '%00',
  '../../etc/passwd',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
];
const EDGE_NUMBERS = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e300, -1e300, 0.5, 1.5, 10001, 99999999999];

export const junkString = () => fc.oneof(fc.constantFrom(...EDGE_STRINGS), fc.string({ maxLength: 40 }));
const finiteNumber = () => fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** Any JSON value, null included, nested a little. */
export const junkJson = (): fc.Arbitrary<unknown> =>
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      junkString(),
      finiteNumber(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(junkString(), fc.constantFrom('__proto__', 'constructor')), tie('value'), { maxKeys: 3 }),
    ),
  })).value;

function resolve(schema: Schema, components: Components): Schema {
  if (schema.$ref) return resolve(components[schema.$ref.replace('#/components/schemas/', '')] ?? {}, components);
  if (schema.allOf)
    return schema.allOf.map((s) => resolve(s, components)).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
  return schema;
}

/** A value shaped by the schema (often valid, so the fuzzer gets past the first check), or junk. */
export function shapedBy(schema: Schema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const plausible = plausibleFor(s, components, depth);
  return depth > 3 ? junkJson() : fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: junkJson() });
}

function plausibleFor(s: Schema, components: Components, depth: number): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum.filter((v) => v !== null));
  if (s.properties) return objectShapedBy(s, components, depth + 1);
  if (s.type === 'array') return fc.array(shapedBy(s.items ?? {}, components, depth + 1), { maxLength: 3 });
  const example = s.example !== undefined && s.example !== null ? [fc.constant(s.example)] : [];
  if (s.type === 'number' || s.type === 'integer') return fc.oneof(...example, finiteNumber());
  if (s.type === 'boolean') return fc.boolean();
  if (s.type === 'string') return fc.oneof(...example, junkString());
  return junkJson();
}

/** An object with some of the schema's fields (required ones usually present) and now and then an unknown one. */
export function objectShapedBy(schema: Schema, components: Components, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const s = resolve(schema, components);
  const props = Object.entries(s.properties ?? {});
  const fields = Object.fromEntries(props.map(([name, p]) => [name, shapedBy(p, components, depth)]));
  const required = (s.required ?? []).filter((r) => r in fields);
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.subarray(required),
      fc.option(fc.dictionary(junkString(), junkJson(), { maxKeys: 1 }), { nil: undefined, freq: 4 }),
    )
    .chain(([obj, keep, extra]) =>
      fc.record(Object.fromEntries(keep.map((k) => [k, fields[k]])), { requiredKeys: keep }).map((req) => ({ ...obj, ...req, ...(extra ?? {}) })),
    );
}

/** A query string: each parameter absent, shaped by its schema, or junk; sometimes repeated (an array). */
export function queryFor(
  params: { name: string; schema?: Schema; example?: unknown }[],
  components: Components,
): fc.Arbitrary<Record<string, string | string[]>> {
  const one = (p: { schema?: Schema; example?: unknown }) => {
    const s = resolve(p.schema ?? {}, components);
    const known = [...(s.enum ?? []), ...(p.example !== undefined ? [p.example] : []), ...(s.example !== undefined ? [s.example] : [])].filter(
      (v) => v !== null,
    );
    const single = fc.oneof(junkString(), finiteNumber().map(String), ...(known.length ? [fc.constantFrom(...known.map(String))] : []));
    return fc.oneof({ weight: 4, arbitrary: single }, { weight: 1, arbitrary: fc.array(single, { minLength: 2, maxLength: 2 }) });
  };
  return fc.record(Object.fromEntries(params.map((p) => [p.name, one(p)])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string | string[]>>;
}

const CURSOR_SORT_VALUES = [
  '2026-02-30T00:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  '2026-11-15T00:00:00.000Z',
  '275760-09-13T00:00:00.000Z',
  '9223372036854775808',
  '1',
  '-1',
];
const CURSOR_TIE_BREAKERS = ['6f0a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', '00000000-0000-0000-0000-000000000000', 'evt-1', ''];

/** A forged cursor: base64url JSON of a near-valid pair or of junk, the way a client could tamper with a real one. */
export const forgedCursor = () =>
  fc
    .oneof(fc.tuple(fc.constantFrom(...CURSOR_SORT_VALUES), fc.constantFrom(...CURSOR_TIE_BREAKERS)), fc.tuple(junkJson(), junkJson()))
    .map((pair) => Buffer.from(JSON.stringify(pair), 'utf8').toString('base64url'));
