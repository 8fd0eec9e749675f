import { seedCatalog } from '../../seeds/run-seed';
import { SEED_MODELS, SEED_PACKS, SEED_PLANS, SEED_PROVIDERS } from '../../seeds/catalog.seed';
import { TestApp, startTestApp } from '../support/test-app';
import { catalogCounts, get } from './catalog-helpers';

describe('seed catalog', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const total = SEED_PROVIDERS.length + SEED_MODELS.length + SEED_PLANS.length + SEED_PACKS.length;

  it('creates the whole catalog once; a second run creates nothing and changes nothing', async () => {
    expect(await seedCatalog(t.app)).toEqual({ created: total, existing: 0 });
    const counts = await catalogCounts(t);
    expect(counts).toEqual({
      providers: SEED_PROVIDERS.length,
      models: SEED_MODELS.length,
      model_rates: SEED_MODELS.length,
      plans: SEED_PLANS.length,
      packs: SEED_PACKS.length,
    });
    const snapshot = await t.db.query(`SELECT code, name, status, updated_at FROM plans ORDER BY code`);
    expect(await seedCatalog(t.app)).toEqual({ created: 0, existing: total });
    expect(await catalogCounts(t)).toEqual(counts);
    expect(await t.db.query(`SELECT code, name, status, updated_at FROM plans ORDER BY code`)).toEqual(snapshot);
  });

  it('never modifies what exists: a renamed plan keeps its new name after seeding', async () => {
    await t.db.query(`UPDATE plans SET name = 'Renamed by staff' WHERE code = 'family-5'`);
    expect((await seedCatalog(t.app)).created).toBe(0);
    expect((await get(t, '/v1/plans/family-5')).body.name).toBe('Renamed by staff');
  });

  it('sells personal-9.9 at 990 fen for 10,000,000 credits on every model', async () => {
    expect((await get(t, '/v1/plans/personal-9.9')).body).toMatchObject({
      kind: 'personal',
      monthlyFeeFen: 990,
      allowanceCredits: 10_000_000,
      models: ['*'],
      maxMembers: 1,
      overage: { mode: 'block', capFen: null },
      rollover: { percent: 50, maxCredits: 5_000_000 },
    });
  });

  it('prices deepseek-v3 at weights 1 / 4 and 200 / 800 fen per million tokens', async () => {
    expect((await get(t, '/v1/models/deepseek-v3')).body).toMatchObject({
      providerCode: 'deepseek',
      inputWeight: '1',
      outputWeight: '4',
      providerInputPricePerMillionFen: 200,
      providerOutputPricePerMillionFen: 800,
      rates: [expect.objectContaining({ effectiveFrom: null })],
    });
  });
});
