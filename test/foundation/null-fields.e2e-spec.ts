import { randomUUID } from 'node:crypto';
import { getMetadataStorage } from 'class-validator';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan } from '../support/fixtures';

interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
}
interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface NullCase {
  route: string;
  method: 'post' | 'patch';
  path: string;
  /** where the field sits in the error list: `overage.capFen`, `members[0].subscriberId` */
  field: string;
  body: unknown;
  nullable: boolean;
}

/** The fields SPEC §3, §4 and §7 document as nullable, where null means "none". */
const DOCUMENTED_NULLABLE = [
  'POST /v1/plans overage.capFen',
  'POST /v1/subscriptions members[0].monthlyCapCredits',
  'POST /v1/subscriptions/{id}/members monthlyCapCredits',
  'POST /v1/authorize estimatedCredits',
];

/**
 * Every field of every request body the OpenAPI document describes (nested objects and array items
 * included), each as a body holding just that field set to null. The document is generated from the
 * DTO classes, so a field added to a DTO is enumerated here without touching this test.
 */
function nullCases(doc: OpenApi, schemasSeen = new Set<string>()): NullCase[] {
  const resolve = (s: Schema): Schema => {
    if (s.$ref) {
      const name = s.$ref.split('/').pop()!;
      schemasSeen.add(name);
      return resolve(doc.components.schemas[name]);
    }
    if (s.allOf?.length === 1) return resolve(s.allOf[0]);
    return s;
  };
  const fill = (path: string) =>
    path
      .replace(/\{id\}/g, randomUUID())
      .replace(/\{code\}/g, 'x')
      .replace(/\{subscriberId\}/g, '1');
  const out: NullCase[] = [];
  for (const [route, ops] of Object.entries(doc.paths)) {
    for (const method of ['post', 'patch'] as const) {
      const schema = ops[method]?.requestBody?.content['application/json']?.schema;
      if (!schema) continue;
      const walk = (s: Schema, field: string, wrap: (v: unknown) => unknown) => {
        for (const [name, raw] of Object.entries(resolve(s).properties ?? {})) {
          const prop = resolve(raw);
          const here = field ? `${field}.${name}` : name;
          out.push({
            route: `${method.toUpperCase()} ${route}`,
            method,
            path: fill(route),
            field: here,
            body: wrap({ [name]: null }),
            nullable: raw.nullable === true || prop.nullable === true,
          });
          if (prop.properties) walk(prop, here, (v) => wrap({ [name]: v }));
          if (prop.type === 'array' && prop.items && resolve(prop.items).properties) walk(prop.items, `${here}[0]`, (v) => wrap({ [name]: [v] }));
        }
      };
      walk(schema, '', (v) => v);
    }
  }
  return out;
}

/** SPEC §14: null is a 400 naming the field, except where the field is documented as nullable. */
describe('null in a request body: 400 naming the field, unless the field is documented nullable', () => {
  let t: TestApp;
  let cases: NullCase[];
  let openApi: OpenApi;
  const schemas = new Set<string>();
  beforeAll(async () => {
    t = await startTestApp();
    openApi = (await t.http().get('/docs-json')).body as OpenApi;
    cases = nullCases(openApi, schemas);
  });
  afterAll(() => t.close());

  it('every field a request body class validates is in the OpenAPI document, so none escapes the table', () => {
    const stored = (getMetadataStorage() as unknown as { validationMetadatas: Map<Function, { propertyName: string }[]> }).validationMetadatas;
    const checked = [...stored.keys()].filter((target) => schemas.has(target.name));
    expect(checked.length).toBeGreaterThan(15);
    const missing = checked.flatMap((target) => {
      const documented = Object.keys(openApi.components.schemas[target.name].properties ?? {});
      return stored
        .get(target)!
        .filter((m) => !documented.includes(m.propertyName))
        .map((m) => `${target.name}.${m.propertyName}`);
    });
    expect([...new Set(missing)]).toEqual([]);
  });

  it('enumerates the request bodies of the API, and only the documented fields are nullable', () => {
    const routes = new Set(cases.map((c) => c.route));
    for (const r of [
      'POST /v1/models/{code}/rates',
      'PATCH /v1/plans/{code}',
      'POST /v1/plans',
      'POST /v1/subscriptions',
      'POST /v1/usage-events',
      'POST /v1/authorize',
    ]) {
      expect(routes).toContain(r);
    }
    expect(
      cases
        .filter((c) => c.nullable)
        .map((c) => `${c.route} ${c.field}`)
        .sort(),
    ).toEqual([...DOCUMENTED_NULLABLE].sort());
  });

  it('every non-nullable field set to null is a 400 whose errors name it', async () => {
    const failures: string[] = [];
    for (const c of cases.filter((x) => !x.nullable)) {
      const res = await t
        .http()
        [c.method](c.path)
        .set(bearer(t.adminKey))
        .send(c.body as object);
      const named = Array.isArray(res.body.errors) && res.body.errors.some((e: { path: string }) => e.path === c.field);
      if (res.status !== 400 || !named) failures.push(`${c.route} ${c.field}: ${res.status} ${JSON.stringify(res.body.errors ?? res.body)}`);
    }
    expect(failures).toEqual([]);
  });

  it('a documented nullable field set to null is not what the 400 names', async () => {
    const failures: string[] = [];
    for (const c of cases.filter((x) => x.nullable)) {
      const res = await t
        .http()
        [c.method](c.path)
        .set(bearer(t.adminKey))
        .send(c.body as object);
      if (res.status >= 500 || (res.body.errors ?? []).some((e: { path: string }) => e.path === c.field)) {
        failures.push(`${c.route} ${c.field}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  describe('null in a documented nullable field means "none" and answers the documented 2xx', () => {
    let accountId: string;
    beforeAll(async () => {
      await createModel(t, 'nm1');
      await createPlan(t, { code: 'nfam', kind: 'family', maxMembers: 5 });
      accountId = await createAccount(t);
    });

    it('a plan with overage.capFen null: 201, uncapped', async () => {
      const res = await t
        .http()
        .post('/v1/plans')
        .set(bearer(t.adminKey))
        .send({
          code: 'n-payg',
          name: 'Uncapped',
          kind: 'personal',
          monthlyFeeFen: 990,
          allowanceCredits: 1000,
          models: ['*'],
          maxMembers: 1,
          overage: { mode: 'payg', ratePerMillionFen: 300, capFen: null },
          rollover: { percent: 0, maxCredits: 0 },
        });
      expect(res.status).toBe(201);
      expect(res.body.overage.capFen).toBeNull();
    });

    it('members with monthlyCapCredits null: 201, no cap; estimatedCredits null: 200, one credit asked', async () => {
      const sub = await t
        .http()
        .post('/v1/subscriptions')
        .set(bearer(t.adminKey))
        .send({ accountId, planCode: 'nfam', members: [{ subscriberId: 'null-1', monthlyCapCredits: null }] });
      expect(sub.status).toBe(201);
      const added = await t
        .http()
        .post(`/v1/subscriptions/${sub.body.id}/members`)
        .set(bearer(t.adminKey))
        .send({ subscriberId: 'null-2', monthlyCapCredits: null });
      expect(added.status).toBe(201);
      const balance = await t.http().get(`/v1/subscriptions/${sub.body.id}/balance`).set(bearer(t.adminKey));
      expect(balance.body.members).toEqual([
        { subscriberId: 'null-1', usedCredits: 0, monthlyCapCredits: null },
        { subscriberId: 'null-2', usedCredits: 0, monthlyCapCredits: null },
      ]);
      const auth = await t.http().post('/v1/authorize').set(bearer(t.adminKey)).send({ subscriberId: 'null-1', model: 'nm1', estimatedCredits: null });
      expect(auth.status).toBe(200);
      expect(auth.body).toMatchObject({ allowed: true });
    });
  });

  it('the three nulls of the issue: a rate’s inputWeight, a plan’s name and status', async () => {
    for (const [path, body, field] of [
      ['/v1/models/x/rates', { effectiveFrom: '2026-12-01T00:00:00+08:00', inputWeight: null }, 'inputWeight'],
      ['/v1/plans/x', { name: null }, 'name'],
      ['/v1/plans/x', { status: null }, 'status'],
    ] as const) {
      const req = path.endsWith('rates') ? t.http().post(path) : t.http().patch(path);
      const res = await req.set(bearer(t.adminKey)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    }
  });
});
