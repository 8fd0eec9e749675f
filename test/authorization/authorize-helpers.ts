import { TestApp, bearer } from '../support/test-app';
import { drainUsageQueue, event } from '../support/usage';

/** POST /v1/authorize with `key`; returns the whole supertest response. */
export function authorize(t: TestApp, key: string, body: object) {
  return t.http().post('/v1/authorize').set(bearer(key)).send(body);
}

/** The decision body, asserting the endpoint answered 200. */
export async function decision(t: TestApp, key: string, body: object): Promise<Record<string, unknown>> {
  const res = await authorize(t, key, body);
  if (res.status !== 200) throw new Error(`authorize answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

/** Ingests one event costing exactly `credits` (models are created with weights 1/1) and waits for it. */
export async function consume(t: TestApp, gateway: string, subscriberId: string, model: string, credits: number): Promise<void> {
  const res = await t
    .http()
    .post('/v1/usage-events')
    .set(bearer(gateway))
    .send({ events: [event(subscriberId, model, credits, 0)] });
  if (res.status !== 202) throw new Error(`usage-events answered ${res.status}: ${JSON.stringify(res.body)}`);
  await drainUsageQueue(t);
}

export async function balance(t: TestApp, subscriptionId: string): Promise<Record<string, any>> {
  const res = await t.http().get(`/v1/subscriptions/${subscriptionId}/balance`).set(bearer(t.adminKey));
  if (res.status !== 200) throw new Error(`balance answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Record<string, any>;
}

/** Credits granted to the subscription's first (prorated) cycle by its plan bucket. */
export async function planGrant(t: TestApp, subscriptionId: string): Promise<number> {
  const b = await balance(t, subscriptionId);
  return b.buckets.find((x: { kind: string }) => x.kind === 'plan').grantedCredits as number;
}

export async function lifecycle(t: TestApp, subscriptionId: string, step: string): Promise<void> {
  const res = await t.http().post(`/v1/subscriptions/${subscriptionId}/${step}`).set(bearer(t.adminKey)).send();
  if (res.status !== 200) throw new Error(`${step} answered ${res.status}: ${JSON.stringify(res.body)}`);
}
