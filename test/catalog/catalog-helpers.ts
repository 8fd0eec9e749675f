import { Response } from 'supertest';
import { TestApp, bearer } from '../support/test-app';

export type Counts = Record<'providers' | 'models' | 'model_rates' | 'plans' | 'packs', number>;

export async function catalogCounts(t: TestApp): Promise<Counts> {
  const [row]: Record<keyof Counts, string>[] = await t.db.query(`
    SELECT (SELECT count(*) FROM providers) AS providers, (SELECT count(*) FROM models) AS models,
           (SELECT count(*) FROM model_rates) AS model_rates, (SELECT count(*) FROM plans) AS plans,
           (SELECT count(*) FROM packs) AS packs`);
  return {
    providers: Number(row.providers),
    models: Number(row.models),
    model_rates: Number(row.model_rates),
    plans: Number(row.plans),
    packs: Number(row.packs),
  };
}

/** A 400 problem whose errors name `path`. */
export function expectBadField(res: Response, path: string): void {
  expect({ status: res.status, paths: (res.body.errors ?? []).map((e: { path: string }) => e.path) }).toEqual({
    status: 400,
    paths: expect.arrayContaining([path]),
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

/** Sends `body` as raw JSON with `__UNSAFE__` replaced by 2^53 + 1, which a JS number cannot hold. */
export function rawJson(body: object): string {
  return JSON.stringify(body).replace('"__UNSAFE__"', '9007199254740993');
}

export const UNSAFE = '__UNSAFE__';

export async function post(t: TestApp, path: string, body: object, key = t.adminKey): Promise<Response> {
  return t.http().post(path).set(bearer(key)).set('Content-Type', 'application/json').send(rawJson(body));
}

export async function patch(t: TestApp, path: string, body: object, key = t.adminKey): Promise<Response> {
  return t.http().patch(path).set(bearer(key)).set('Content-Type', 'application/json').send(rawJson(body));
}

export async function get(t: TestApp, path: string, key = t.adminKey): Promise<Response> {
  return t.http().get(path).set(bearer(key));
}

/** Walks a list with `limit` and returns every code in the order served. */
export async function walkCodes(t: TestApp, path: string, limit: number): Promise<string[]> {
  const codes: string[] = [];
  let cursor: string | null = null;
  do {
    const res: Response = await t
      .http()
      .get(path)
      .query(cursor ? { limit, cursor } : { limit })
      .set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    codes.push(...res.body.data.map((r: { code: string }) => r.code));
    cursor = res.body.nextCursor;
  } while (cursor);
  return codes;
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function withKey<T extends Record<string, unknown>>(base: T, key: string, value: unknown): Record<string, unknown> {
  return { ...base, [key]: value };
}

export function without<T extends Record<string, unknown>>(base: T, key: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base };
  delete copy[key];
  return copy;
}
