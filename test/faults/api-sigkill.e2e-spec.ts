import { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { TestApp, startTestApp } from '../support/test-app';
import { createAccount, createModel, createPlan, subscribe } from '../support/fixtures';
import { stopProcess } from '../support/worker-process';
import { expectLoadRecordedExactly } from '../support/accepted-events';
import { IngestLoad, spawnApi, until, waitForHttp } from '../support/ingest-load';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const KILLS = 2;
const BATCHES = 240;
const EVENTS_PER_BATCH = 25;

/**
 * §15: a 202 is answered only once the events are in Redis, so killing the API process in the
 * middle of requests loses no accepted event; the requests it never answered are sent again by
 * the gateway with the same eventIds and are recorded once.
 */
describe('fault: the API process is SIGKILLed in the middle of requests', () => {
  let t: TestApp;
  const apis: ChildProcess[] = [];

  beforeAll(async () => {
    // This process is the worker (and the fixtures' admin API); the ingest API is a child process.
    t = await startTestApp({ APP_ROLE: 'all', USAGE_LINGER_MS: '20' });
    await createModel(t, 'm1');
    await createPlan(t, { code: 'solo' });
    for (let i = 0; i < 10; i++) await subscribe(t, await createAccount(t), 'solo', [{ subscriberId: `86139000000${i}` }]);
  });
  afterAll(async () => {
    await Promise.all(apis.map((a) => stopProcess(a, 'SIGKILL')));
    await t.close();
  });

  it('every event answered 202 is recorded exactly once', async () => {
    let baseUrl = '';
    const load = new IngestLoad(() => baseUrl, await t.keyFor('gateway'));
    load.add(
      BATCHES,
      EVENTS_PER_BATCH,
      Array.from({ length: 10 }, (_, i) => `86139000000${i}`),
      'm1',
    );
    // The next API process boots while the current one serves, so a kill costs no boot time.
    const boot = async () => {
      const port = await freePort();
      const child = spawnApi(t, port, { USAGE_LINGER_MS: '20' });
      apis.push(child);
      await waitForHttp(`http://127.0.0.1:${port}`);
      return { child, url: `http://127.0.0.1:${port}` };
    };
    let current = await boot();
    baseUrl = current.url;
    for (let k = 1; k <= KILLS; k++) {
      const next = boot();
      const sending = load.sendPending(8);
      const before = load.acceptedCount;
      // Kill once some requests of this round have been answered and others are in flight.
      await until(() => load.acceptedCount >= before + 10 * EVENTS_PER_BATCH, 30_000, 'requests to be accepted');
      await stopProcess(current.child, 'SIGKILL');
      await sending;
      current = await next;
      baseUrl = current.url;
    }
    await load.sendUntilAccepted(8);
    await expectLoadRecordedExactly(t, load, BATCHES, EVENTS_PER_BATCH);
    process.stdout.write(
      `api-sigkill: ${load.sent.size} events sent, ${load.accepted.size} accepted, ${KILLS} kills, statuses ${JSON.stringify(load.statuses)}\n`,
    );
  }, 120_000);
});
