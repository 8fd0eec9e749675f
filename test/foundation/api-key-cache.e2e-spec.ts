import { ChildProcess } from 'node:child_process';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { spawnWorker, stopProcess } from '../support/worker-process';

const TTL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`API on port ${port} did not become healthy`);
}

const whoami = (port: number, key: string) => fetch(`http://127.0.0.1:${port}/v1/whoami`, { headers: bearer(key) }).then((r) => r.status);

/**
 * SPEC §14: a revoked key answers 401 from then on. Each API process caches keys for at most
 * API_KEY_CACHE_TTL_MS (≤ 1 s), so a key revoked through one process is refused by every other
 * one a TTL after the revocation committed, and at once by the process that revoked it.
 */
describe('API-key cache across two API processes', () => {
  let t: TestApp;
  const ports = [20000 + (process.pid % 20000), 20001 + (process.pid % 20000)];
  const apis: ChildProcess[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    for (const port of ports) {
      apis.push(spawnWorker(t, { APP_ROLE: 'api', PORT: String(port), API_KEY_CACHE_TTL_MS: String(TTL_MS) }, 'pipe'));
    }
    await Promise.all(ports.map(waitForHealth));
  }, 120000);

  afterAll(async () => {
    await Promise.all(apis.map((p) => stopProcess(p)));
    await t.close();
  });

  it('a key revoked through one process is refused by both within the cache TTL (≤ 1 s)', async () => {
    const key = await t.keyFor('gateway');
    const { keyId } = (await t.http().get('/v1/whoami').set(bearer(key))).body as { keyId: string };
    expect(await Promise.all(ports.map((p) => whoami(p, key)))).toEqual([200, 200]);
    const admin = t.adminKey;
    const revoked = await fetch(`http://127.0.0.1:${ports[0]}/v1/api-keys/${keyId}`, { method: 'DELETE', headers: bearer(admin) });
    expect(revoked.status).toBe(200);
    expect(await whoami(ports[0], key)).toBe(401);
    await sleep(TTL_MS);
    expect(await Promise.all(ports.map((p) => whoami(p, key)))).toEqual([401, 401]);
  });
});
