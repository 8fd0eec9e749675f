import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import fc from 'fast-check';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { Components, Schema, forgedCursor, junkJson, junkString, objectShapedBy, queryFor } from './input-arbitraries';
import { RegisteredRoute, registeredRoutes, routeKey } from './registered-routes';

/** Runs per route; FUZZ_RUNS raises it for a longer local session. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

interface Operation {
  parameters?: { name: string; in: string; schema?: Schema; example?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: { errors?: unknown };
}

/**
 * Property: whatever a staff key sends in a body, a query or a path, the answer is never a 5xx; a
 * refusal is problem+json (a 400 on an object body lists its errors), and a refused request
 * changes no row in any table (the app runs as role `api`, so no worker writes meanwhile).
 */
describe('fuzzing: every body, query and path parameter of every route', () => {
  let t: TestApp;
  let doc: OpenAPIObject;
  let ids: { accountId: string; subscriptionId: string };
  let countAll: () => Promise<string>;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    await createModel(t, 'fz-m', 'fz-prov');
    await createPlan(t, { code: 'fz-plan' });
    const accountId = await createAccount(t);
    const sub = await subscribe(t, accountId, 'fz-plan', [{ subscriberId: '8613800004001' }]);
    ids = { accountId, subscriptionId: sub.id as string };
    doc = SwaggerModule.createDocument(t.app, new DocumentBuilder().build());
    const tables: { tablename: string }[] = await t.db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    const sql = `SELECT json_build_object(${tables.map((r) => `'${r.tablename}', (SELECT count(*) FROM "${r.tablename}")`).join(', ')})::text AS counts`;
    countAll = async () => (await t.db.query(sql))[0].counts as string;
  });
  afterAll(() => t.close());

  function operationOf(route: RegisteredRoute): Operation | undefined {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    return (doc.paths[path] as Record<string, Operation> | undefined)?.[route.method.toLowerCase()];
  }

  /** A real id where the route has one (so the fuzz reaches past the 404), else an unknown one. */
  function knownParam(path: string, name: string): string {
    if (name === 'id' && path.startsWith('/v1/subscriptions')) return ids.subscriptionId;
    if (name === 'id' && path.startsWith('/v1/accounts')) return ids.accountId;
    if (name === 'code') return path.startsWith('/v1/models') ? 'fz-m' : path.startsWith('/v1/plans') ? 'fz-plan' : 'fz-prov';
    if (name === 'subscriberId') return '8613800004001';
    return '6f0a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
  }

  function pathArbitrary(path: string): fc.Arbitrary<string> {
    const names = [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
    const values = names.map((n) =>
      fc.oneof({ weight: 3, arbitrary: fc.constant(knownParam(path, n)) }, { weight: 1, arbitrary: junkString().filter((s) => s.length > 0) }),
    );
    return fc.tuple(...values).map((vs) => names.reduce((p, n, i) => p.replace(`:${n}`, encodeURIComponent(vs[i])), path));
  }

  function bodyArbitrary(op: Operation | undefined): fc.Arbitrary<{ body: unknown; isObject: boolean }> {
    const schema = op?.requestBody?.content?.['application/json']?.schema;
    const components = (doc.components?.schemas ?? {}) as Components;
    const shaped = schema ? objectShapedBy(schema, components) : fc.constant({});
    return fc.oneof(
      { weight: 5, arbitrary: shaped.map((body) => ({ body, isObject: true })) },
      { weight: 1, arbitrary: junkJson().map((body) => ({ body, isObject: typeof body === 'object' && !Array.isArray(body) })) },
    );
  }

  function queryArbitrary(op: Operation | undefined): fc.Arbitrary<Record<string, string | string[]>> {
    const params = (op?.parameters ?? []).filter((p) => p.in === 'query');
    const base = queryFor(params, (doc.components?.schemas ?? {}) as Components);
    if (!params.some((p) => p.name === 'cursor')) return base;
    return fc.tuple(base, fc.option(forgedCursor(), { nil: undefined })).map(([q, cursor]) => (cursor ? { ...q, cursor } : q));
  }

  async function send(route: RegisteredRoute, path: string, query: Record<string, string | string[]>, body: unknown): Promise<Answer> {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    const req = t.http()[method](path).query(query).set(bearer(t.adminKey));
    if (method === 'get' || method === 'delete') return req;
    return req.set('Content-Type', 'application/json').send(JSON.stringify(body));
  }

  function verdict(res: Answer): string | null {
    if (res.status >= 500) return `answered ${res.status}`;
    if (res.status < 400) return null;
    if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) return `answered ${res.status} without problem+json`;
    const errors = res.body.errors;
    if (res.status === 400 && !(Array.isArray(errors) && errors.length > 0)) return 'answered 400 without an errors list';
    return null;
  }

  it('answers every generated request with 2xx or a 4xx problem, and a refusal writes nothing', async () => {
    const failures: string[] = [];
    const routes = registeredRoutes(t.app).filter((r) => r.path.startsWith('/v1/') && r.method !== 'ALL');
    for (const route of routes) {
      const op = operationOf(route);
      const property = fc.asyncProperty(pathArbitrary(route.path), queryArbitrary(op), bodyArbitrary(op), async (path, query, { body }) => {
        const before = await countAll();
        const res = await send(route, path, query, body);
        const wrong = verdict(res);
        if (wrong) throw new Error(`${wrong}: ${JSON.stringify(res.body)}`);
        if (res.status >= 400 && (await countAll()) !== before) throw new Error(`refused with ${res.status} but changed rows`);
      });
      const outcome = await fc.check(property, { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261129) });
      if (outcome.failed) failures.push(`${routeKey(route)} (seed ${outcome.seed}): ${fc.defaultReportMessage(outcome)?.split('\n').slice(0, 6).join(' | ')}`);
    }
    expect(failures).toEqual([]);
  });
});
