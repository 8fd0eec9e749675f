import { TestApp, bearer } from '../support/test-app';
import { periodIn } from '../support/calendar';

export interface PackInput {
  code: string;
  credits: number;
  priceFen: number;
  validity: { kind: 'cycle' } | { kind: 'days'; days: number };
}

export async function createPack(t: TestApp, p: PackInput): Promise<void> {
  const res = await t
    .http()
    .post('/v1/packs')
    .set(bearer(t.adminKey))
    .send({ name: `Pack ${p.code}`, ...p });
  if (res.status !== 201) throw new Error(`POST /v1/packs answered ${res.status}: ${JSON.stringify(res.body)}`);
}

export function buyTopup(t: TestApp, subscriptionId: string, packCode: string, key?: string) {
  const req = t.http().post(`/v1/subscriptions/${subscriptionId}/top-ups`).set(bearer(t.adminKey));
  return (key ? req.set('Idempotency-Key', key) : req).send({ packCode });
}

export async function balanceOf(t: TestApp, subscriptionId: string): Promise<Record<string, any>> {
  const res = await t.http().get(`/v1/subscriptions/${subscriptionId}/balance`).set(bearer(t.adminKey));
  if (res.status !== 200) throw new Error(`balance answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The 1st of the current month at 00:00 in the billing zone: a subscription started then has a full first cycle. */
export function startOfThisMonth(now = new Date()): string {
  return `${periodIn(now, 'Asia/Shanghai')}-01T00:00:00+08:00`;
}

/** The 1st of the previous month at 00:00 in the billing zone. */
export function startOfPreviousMonth(now = new Date()): string {
  const [y, m] = periodIn(now, 'Asia/Shanghai').split('-').map(Number);
  const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
  return `${py}-${String(pm).padStart(2, '0')}-01T00:00:00+08:00`;
}
