import { TestApp, startTestApp } from '../support/test-app';

describe('what the public HTTP surface reveals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('every answer carries security headers, a CSP among them', async () => {
    const res = await t.http().get('/v1/api-keys');
    expect(res.status).toBe(401);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('Swagger UI at /docs still loads under that CSP: no inline script, its files served same-origin', async () => {
    const page = await t.http().get('/docs/').redirects(1);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, inline] of scripts) {
      expect(attrs).toMatch(/src="/);
      expect(inline.trim()).toBe('');
    }
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui-init.js', 'swagger-ui.css']) {
      expect((await t.http().get(`/docs/${file}`)).status).toBe(200);
    }
    expect((await t.http().get('/docs-json')).body.info.title).toBe('Token-plan BSS');
  });
});

describe('/health when a dependency is down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', APP_ROLE: 'api' });
  });
  afterAll(() => t.close());

  it('says only up or down per dependency, never the error text', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ postgres: { status: 'up' }, redis: { status: 'down' }, schedules: { status: 'up' } });
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|timeout|closed|writeable/i);
  });
});
