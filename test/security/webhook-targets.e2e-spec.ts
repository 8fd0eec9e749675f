import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import { AppConfig } from '../../src/config/app-config';
import { WebhookSender } from '../../src/webhooks/webhook-sender';
const MAX_RESPONSE_BYTES = 4096;
import { TestApp, bearer, startTestApp } from '../support/test-app';

/** A real local HTTP server; counts the requests that reach it. */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handler!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits: () => hits };
}
const close = (s: Server) => {
  s.closeAllConnections();
  return new Promise<void>((resolve) => s.close(() => resolve()));
};

describe('webhook targets must be public addresses (SSRF)', () => {
  let t: TestApp;
  let local: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    t = await startTestApp();
    local = await listen((_req, res) => res.writeHead(200).end('internal secret page'));
  });
  afterAll(async () => {
    await close(local.server);
    await t.close();
  });

  const register = (url: string) =>
    t
      .http()
      .post('/v1/webhooks')
      .set(bearer(t.adminKey))
      .send({ url, eventKinds: ['USAGE_80'], secret: 'a-long-enough-secret' });

  it.each([
    'http://127.0.0.1:9/hook',
    'http://localhost:9/hook',
    'http://[::1]:9/hook',
    'http://[::ffff:127.0.0.1]:9/hook',
    'http://0.0.0.0:9/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.7/hook',
    'http://192.168.1.10/hook',
    'http://[fd00::1]/hook',
    'http://[fe80::1]/hook',
    'http://2130706433/hook',
    'http://intranet/hook',
  ])('registering %s is a 400 naming url', async (url) => {
    const res = await register(url);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'url' })]);
    expect(Number((await t.db.query(`SELECT count(*) n FROM webhooks`))[0].n)).toBe(0);
  });

  it('a public host name is registered', async () => {
    expect((await register('https://crm.example.com/hooks')).status).toBe(201);
  });

  it('at delivery, a loopback target (literal or resolved by DNS) is not contacted', async () => {
    const sender = t.app.get(WebhookSender);
    for (const host of ['127.0.0.1', 'localhost']) {
      const outcome = await sender.post(`http://${host}:${local.port}/hook`, '{}', { 'Content-Type': 'application/json' });
      expect(outcome.statusCode).toBeNull();
      expect(outcome.error).toMatch(/not public/);
    }
    expect(local.hits()).toBe(0);
  });

  it('when private targets are allowed, a name is resolved once and its checked address is the one connected to', async () => {
    const sender = new WebhookSender({ ...t.config, WEBHOOK_ALLOW_PRIVATE_TARGETS: true } as AppConfig);
    const before = local.hits();
    const outcome = await sender.post(`http://localhost:${local.port}/hook`, '{}', { 'Content-Type': 'application/json' });
    expect(outcome).toMatchObject({ statusCode: 200, error: null });
    expect(local.hits()).toBe(before + 1);
  });

  it('reads at most the first bytes of an answer, however long it is', async () => {
    // An answer that never ends: the sender must stop reading on its own, not at the total timeout.
    const endless = await listen((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      const chunk = 'x'.repeat(MAX_RESPONSE_BYTES);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const sender = new WebhookSender({ ...t.config, WEBHOOK_ALLOW_PRIVATE_TARGETS: true } as AppConfig);
    const outcome = await sender.post(`http://127.0.0.1:${endless.port}/hook`, '{}', {});
    await close(endless.server);
    expect(outcome.statusCode).toBe(500);
    expect(outcome.error).toBe(`HTTP 500: ${'x'.repeat(200)}`);
  });
});
