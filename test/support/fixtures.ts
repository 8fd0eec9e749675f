import { TestApp, bearer } from './test-app';

export interface PlanInput {
  code: string;
  kind?: 'personal' | 'family' | 'business';
  monthlyFeeFen?: number;
  allowanceCredits?: number;
  models?: string[];
  maxMembers?: number;
  overage?: { mode: 'block' | 'payg'; ratePerMillionFen: number; capFen: number | null };
  rollover?: { percent: number; maxCredits: number };
}

async function post(t: TestApp, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await t
    .http()
    .post(path)
    .set(bearer(t.adminKey))
    .send(body as object);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

export async function createModel(t: TestApp, code = 'm-basic', providerCode = 'prov'): Promise<void> {
  const existing = await t.http().get(`/v1/providers/${providerCode}`).set(bearer(t.adminKey));
  if (existing.status === 404) await post(t, '/v1/providers', { code: providerCode, name: `Provider ${providerCode}` });
  await post(t, '/v1/models', {
    code,
    providerCode,
    inputWeight: '1',
    outputWeight: '1',
    providerInputPricePerMillionFen: 100,
    providerOutputPricePerMillionFen: 200,
  });
}

/** A plan through the API; defaults are the personal 9.90 CNY / 10,000,000 credits offer. */
export async function createPlan(t: TestApp, p: PlanInput): Promise<void> {
  const kind = p.kind ?? 'personal';
  await post(t, '/v1/plans', {
    code: p.code,
    name: `Plan ${p.code}`,
    kind,
    monthlyFeeFen: p.monthlyFeeFen ?? 990,
    allowanceCredits: p.allowanceCredits ?? 10_000_000,
    models: p.models ?? ['*'],
    maxMembers: p.maxMembers ?? (kind === 'personal' ? 1 : 5),
    overage: p.overage ?? { mode: 'block', ratePerMillionFen: 0, capFen: null },
    rollover: p.rollover ?? { percent: 0, maxCredits: 0 },
  });
}

let accountSeq = 0;
export async function createAccount(t: TestApp, type: 'individual' | 'enterprise' = 'individual'): Promise<string> {
  accountSeq += 1;
  const body = await post(t, '/v1/accounts', { externalRef: `BA-${process.pid}-${accountSeq}`, type, name: `Account ${accountSeq}` });
  return body.id as string;
}

export async function subscribe(
  t: TestApp,
  accountId: string,
  planCode: string,
  members: { subscriberId: string; monthlyCapCredits?: number }[],
  startAt?: string,
): Promise<Record<string, any>> {
  return post(t, '/v1/subscriptions', { accountId, planCode, members, ...(startAt ? { startAt } : {}) });
}

export async function tableCounts(t: TestApp, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = Number((await t.db.query(`SELECT count(*) n FROM ${table}`))[0].n);
  return out;
}
