import { TestApp, bearer, startTestApp } from '../support/test-app';

describe('errors are problem+json and bad input is never a 500', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ HTTP_BODY_LIMIT_BYTES: '4096' });
  });
  afterAll(() => t.close());

  const expectProblem = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  };

  it('unknown route: 404', async () => {
    expectProblem(await t.http().get('/v1/nothing-here').set(bearer(t.adminKey)), 404);
  });

  it('malformed JSON: 400', async () => {
    const res = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).set('Content-Type', 'application/json').send('{"name": ');
    expectProblem(res, 400);
  });

  it('a body that is not JSON: 415', async () => {
    const res = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).set('Content-Type', 'text/plain').send('name=x');
    expectProblem(res, 415);
  });

  it('a body above the limit: 413', async () => {
    const res = await t
      .http()
      .post('/v1/api-keys')
      .set(bearer(t.adminKey))
      .send({ name: 'x'.repeat(10_000), role: 'admin' });
    expectProblem(res, 413);
  });

  it('a JSON body that is not an object: 400', async () => {
    const res = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).set('Content-Type', 'application/json').send('[1,2]');
    expectProblem(res, 400);
  });

  it('a number where a string is expected: 400 naming the field, no implicit conversion', async () => {
    const res = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).send({ name: 12, role: 'admin' });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'name' })]));
  });

  it('an unauthenticated request: 401 problem', async () => {
    expectProblem(await t.http().get('/v1/api-keys'), 401);
  });

  it('serves the OpenAPI document with the bearer scheme and the Swagger UI', async () => {
    const json = await t.http().get('/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((await t.http().get('/docs')).status).toBe(200);
  });

  it('echoes a well-formed X-Request-Id', async () => {
    const res = await t.http().get('/health').set('X-Request-Id', 'req-123');
    expect(res.headers['x-request-id']).toBe('req-123');
  });
});
