import { randomUUID } from 'node:crypto';
import { TestApp, bearer, startTestApp } from '../support/test-app';

/** Every POST and PATCH route of the OpenAPI document, with its path parameters filled in. */
async function bodyRoutes(t: TestApp): Promise<{ method: 'post' | 'patch'; path: string }[]> {
  const doc = (await t.http().get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
  const fill = (path: string) =>
    path
      .replace(/\{id\}/g, randomUUID())
      .replace(/\{code\}/g, 'x')
      .replace(/\{subscriberId\}/g, '1');
  return Object.entries(doc.paths).flatMap(([path, ops]) => (['post', 'patch'] as const).filter((m) => ops[m]).map((method) => ({ method, path: fill(path) })));
}

const deep = (depth: number, open: string, close: string) => `{"a":${open.repeat(depth)}1${close.repeat(depth)}}`;

/** SPEC §12: every 400 carries a non-empty `errors` list; path "" when the body as a whole is wrong. */
describe('a body that is wrong as a whole: 400 with errors [{ path: "", message }] on every POST and PATCH route', () => {
  let t: TestApp;
  let routes: { method: 'post' | 'patch'; path: string }[];
  beforeAll(async () => {
    t = await startTestApp();
    routes = await bodyRoutes(t);
  });
  afterAll(() => t.close());

  const bodies: [string, string][] = [
    ['malformed JSON', '{"name": '],
    ['a trailing comma', '{"name": "x",}'],
    ['a string', '"hello"'],
    ['a number', '12'],
    ['null', 'null'],
    ['true', 'true'],
    ['an empty array', '[]'],
    ['an array of objects', '[{"name": "x"}]'],
    ['an object nested 5,000 deep', deep(5000, '{"a":', '}')],
    ['arrays nested 5,000 deep', deep(5000, '[', ']')],
    ['a top-level array nested 5,000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ];

  it('says whether the body is not JSON at all or JSON that is not an object', async () => {
    const send = (raw: string) => t.http().post('/v1/api-keys').set(bearer(t.adminKey)).set('Content-Type', 'application/json').send(raw);
    expect((await send('{"name": ')).body.errors).toEqual([{ path: '', message: 'The request body is not valid JSON' }]);
    expect((await send('null')).body.errors).toEqual([{ path: '', message: 'The request body must be a JSON object' }]);
    expect((await send('[]')).body.errors).toEqual([{ path: '', message: 'The request body must be a JSON object' }]);
  });

  it('finds the routes to check', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toContainEqual({ method: 'patch', path: '/v1/plans/x' });
  });

  it.each(bodies)('%s', async (_what, raw) => {
    const failures: string[] = [];
    for (const r of routes) {
      const res = await t.http()[r.method](r.path).set(bearer(t.adminKey)).set('Content-Type', 'application/json').send(raw);
      const ok =
        res.status === 400 &&
        /^application\/problem\+json/.test(res.headers['content-type'] ?? '') &&
        Array.isArray(res.body.errors) &&
        res.body.errors.length > 0 &&
        res.body.errors.every((e: { path: unknown; message: unknown }) => e.path === '' && typeof e.message === 'string' && e.message.length > 0);
      if (!ok) failures.push(`${r.method.toUpperCase()} ${r.path} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(failures).toEqual([]);
  });
});
