import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Response } from 'supertest';
import { ChargeWriter } from '../../src/charges/charge-writer';
import { TestApp, bearer, startTestApp } from '../support/test-app';

export const HEADER = ['recordId', 'accountExternalRef', 'chargeType', 'billingPeriod', 'description', 'quantity', 'amountFen', 'taxFen', 'currency'];

/** A test app with its own outbox directory, removed on close. */
export async function startSettlementApp(): Promise<TestApp & { outbox: string }> {
  const outbox = mkdtempSync(join(tmpdir(), 'tpb-outbox-'));
  const t = await startTestApp({ SETTLEMENT_OUTBOX_DIR: outbox });
  const close = async () => {
    await t.close();
    rmSync(outbox, { recursive: true, force: true });
  };
  return { ...t, outbox, close };
}

export async function externalRefOf(t: TestApp, accountId: string): Promise<string> {
  return (await t.http().get(`/v1/accounts/${accountId}`).set(bearer(t.adminKey))).body.externalRef;
}

export async function adjust(t: TestApp, accountId: string, amountFen: number, reason: string): Promise<Record<string, any>> {
  const res = await t.http().post(`/v1/accounts/${accountId}/adjustments`).set(bearer(t.adminKey)).send({ amountFen, reason });
  if (res.status !== 201) throw new Error(`adjustment answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * The adjustment API refuses control characters in reasons, so a description with line breaks can
 * only come from another writer (the bill run builds descriptions from plan names): use the one
 * ChargeWriter directly.
 */
export async function chargeWithDescription(
  t: TestApp,
  accountId: string,
  description: string,
  amountFen: number,
  billingPeriod?: string,
): Promise<Record<string, any>> {
  const writer = t.app.get(ChargeWriter);
  const externalRef = await externalRefOf(t, accountId);
  const { charge } = await t.db.transaction((em) =>
    writer.write(em, {
      accountId,
      accountExternalRef: externalRef,
      type: 'TOPUP',
      description,
      quantity: 1000,
      amountFen,
      billingPeriod,
      sourceRef: `test-${description}-${amountFen}`,
    }),
  );
  return { ...charge, seq: Number(charge.seq) };
}

export function runSettlement(t: TestApp, key = t.adminKey, idempotencyKey?: string) {
  const req = t.http().post('/v1/settlement-batches').set(bearer(key));
  return idempotencyKey ? req.set('Idempotency-Key', idempotencyKey) : req;
}

/** The raw bytes of a batch file, as served. */
export function fetchFile(t: TestApp, batchId: string, key = t.adminKey): Promise<Response & { body: Buffer }> {
  return t
    .http()
    .get(`/v1/settlement-batches/${batchId}/file`)
    .set(bearer(key))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }) as Promise<Response & { body: Buffer }>;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Parses a settlement file with a real CSV parser: header, records and trailer apart. */
export function parseSettlement(bytes: Buffer): { header: string[]; records: string[][]; trailer: string[] } {
  const rows: string[][] = parse(bytes.toString('utf8'), { relax_column_count: true });
  return { header: rows[0], records: rows.slice(1, -1), trailer: rows[rows.length - 1] };
}

export async function chargeStatuses(t: TestApp, ids: string[]): Promise<Record<string, { status: string; batch: string | null; reason: string | null }>> {
  const rows = await t.db.query(`SELECT id, status, settlement_batch_id, rejection_reason FROM charges WHERE id = ANY($1)`, [ids]);
  return Object.fromEntries(rows.map((r: any) => [r.id, { status: r.status, batch: r.settlement_batch_id, reason: r.rejection_reason }]));
}
