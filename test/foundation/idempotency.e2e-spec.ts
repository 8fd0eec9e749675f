import { DataSource } from 'typeorm';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { DomainException } from '../../src/common/http/domain.exception';
import { TestApp, startTestApp } from '../support/test-app';

describe('idempotency keys (stored in PostgreSQL, claimed in the work transaction)', () => {
  let t: TestApp;
  let svc: IdempotencyService;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    svc = t.app.get(IdempotencyService);
    db = t.db;
    await db.query('CREATE TABLE probe_writes (id serial PRIMARY KEY, label text NOT NULL)');
  });
  afterAll(() => t.close());

  const writeProbe = (label: string) => async (em: import('typeorm').EntityManager) => {
    const [row] = await em.query('INSERT INTO probe_writes (label) VALUES ($1) RETURNING id', [label]);
    return { status: 201, body: { id: row.id as number, label } };
  };
  const count = async (label: string) => Number((await db.query('SELECT count(*) n FROM probe_writes WHERE label = $1', [label]))[0].n);
  const ref = (key: string, fingerprint = 'f1') => ({ scope: 'POST /probe', key, fingerprint });

  it('replays the first answer for the same key and request, doing the work once', async () => {
    const first = await svc.execute(ref('k1'), writeProbe('a'));
    const second = await svc.execute(ref('k1'), writeProbe('a'));
    expect(second).toEqual(first);
    expect(await count('a')).toBe(1);
  });

  it('refuses the same key with another request with a 409', async () => {
    await svc.execute(ref('k2', 'body-1'), writeProbe('b'));
    await expect(svc.execute(ref('k2', 'body-2'), writeProbe('b'))).rejects.toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await count('b')).toBe(1);
  });

  it('does the work once when ten requests with one key race', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => svc.execute(ref('k3'), writeProbe('c'))));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await count('c')).toBe(1);
  });

  it('releases the key when the work fails, so a corrected retry can succeed', async () => {
    const failing = async () => {
      throw new DomainException(409, 'STATE', 'not now');
    };
    await expect(svc.execute(ref('k4'), failing)).rejects.toBeInstanceOf(DomainException);
    const ok = await svc.execute(ref('k4'), writeProbe('d'));
    expect(ok.status).toBe(201);
    expect(await count('d')).toBe(1);
  });

  it('without a key, every call does the work', async () => {
    await svc.execute(null, writeProbe('e'));
    await svc.execute(null, writeProbe('e'));
    expect(await count('e')).toBe(2);
  });
});
