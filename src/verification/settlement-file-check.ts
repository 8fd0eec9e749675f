import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SETTLEMENT_HEADER } from '../settlement/settlement-csv';
import { CsvRecordReader } from './csv-record-reader';
import { CheckResult, DIFFERENCES_LISTED_PER_KIND, Difference, asJson } from './verification-report';

interface BatchRow {
  id: string;
  record_count: number;
  total_amount_fen: string;
  sha256: string;
  file_name: string;
  tagged: string;
}

/** The charge columns a settlement row repeats, in file order after recordId. */
const ROW_FIELDS = ['accountExternalRef', 'chargeType', 'billingPeriod', 'description', 'quantity', 'amountFen', 'taxFen', 'currency'] as const;
const CHARGE_COLUMNS = `id::text, account_external_ref, type, billing_period, description, COALESCE(quantity::text, ''), amount_fen::text, tax_fen::text, currency, (settlement_batch_id = $2) AS tagged`;
const LOOKUP_CHUNK = 2000;

class FileTally {
  readonly hash = createHash('sha256');
  recordCount = 0;
  totalAmountFen = 0n;
  header: string[] | null = null;
  trailer: string[] | null = null;
  listedTagged = 0;
}

/**
 * Re-reads every published settlement file (ready or acknowledged batches) from the outbox:
 * its sha256, record count and total against the batch row; its trailer against its records; and
 * each record against the charge it names. A requeued charge leaves its old batch, so the charges
 * still marked with a batch must all be listed in its file, not the other way round.
 */
@Injectable()
export class SettlementFileCheck {
  constructor(private readonly config: AppConfig) {}

  async run(em: EntityManager): Promise<CheckResult> {
    const batches: BatchRow[] = await em.query(
      `SELECT b.id, b.record_count, b.total_amount_fen::text, b.sha256, b.file_name,
              (SELECT count(*) FROM charges c WHERE c.settlement_batch_id = b.id)::text AS tagged
       FROM settlement_batches b WHERE b.status IN ('ready', 'acknowledged') ORDER BY b.created_at, b.id`,
    );
    const differences: Difference[] = [];
    for (const b of batches) differences.push(...(await this.checkBatch(em, b)));
    return {
      kind: 'settlement-batch',
      checked: batches.length,
      differenceCount: differences.length,
      differences: differences.slice(0, DIFFERENCES_LISTED_PER_KIND),
    };
  }

  private async checkBatch(em: EntityManager, b: BatchRow): Promise<Difference[]> {
    const out: Difference[] = [];
    const diff = (entity: string, id: string, expected: Record<string, unknown> | null, actual: Record<string, unknown> | null) =>
      out.push({ kind: 'settlement-batch', entity, id, expected, actual });
    const tally = await this.readFile(em, b, diff);
    if (!tally) {
      diff('settlement-batch', b.id, { file: b.file_name }, { file: null });
      return out;
    }
    const fromFile = { recordCount: tally.recordCount, totalAmountFen: tally.totalAmountFen.toString(), sha256: tally.hash.digest('hex') };
    const stored = { recordCount: Number(b.record_count), totalAmountFen: b.total_amount_fen, sha256: b.sha256 };
    const keys = (Object.keys(fromFile) as (keyof typeof fromFile)[]).filter((k) => fromFile[k] !== stored[k]);
    if (keys.length) diff('settlement-batch', b.id, pick(fromFile, keys), pick(stored, keys));
    if (tally.header?.join(',') !== SETTLEMENT_HEADER.join(','))
      diff('settlement-file', `${b.id}:header`, { header: SETTLEMENT_HEADER.join(',') }, { header: tally.header?.join(',') ?? null });
    const trailer = ['TRAILER', b.id, String(tally.recordCount), tally.totalAmountFen.toString()].join(',');
    if (tally.trailer?.join(',') !== trailer) diff('settlement-file', `${b.id}:trailer`, { trailer }, { trailer: tally.trailer?.join(',') ?? null });
    if (tally.listedTagged !== Number(b.tagged)) diff('settlement-batch', b.id, { chargesListed: Number(b.tagged) }, { chargesListed: tally.listedTagged });
    return out;
  }

  /** Streams the file once: hash the bytes, parse the records, compare them with charges a chunk at a time. */
  private async readFile(
    em: EntityManager,
    b: BatchRow,
    diff: (e: string, id: string, x: Record<string, unknown> | null, a: Record<string, unknown> | null) => void,
  ): Promise<FileTally | null> {
    const tally = new FileTally();
    const reader = new CsvRecordReader();
    const decoder = new StringDecoder('utf8');
    let pending: string[][] = [];
    const take = async (records: string[][]) => {
      for (const r of records) {
        if (!tally.header) tally.header = r;
        else if (r[0] === 'TRAILER') tally.trailer = r;
        else this.count(tally, r, pending);
      }
      if (pending.length >= LOOKUP_CHUNK) pending = await this.compareRecords(em, b.id, pending, tally, diff);
    };
    try {
      for await (const chunk of createReadStream(join(resolve(this.config.SETTLEMENT_OUTBOX_DIR), b.file_name))) {
        tally.hash.update(chunk as Buffer);
        await take(reader.push(decoder.write(chunk as Buffer)));
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    await take(reader.push(decoder.end()));
    await take(reader.end());
    await this.compareRecords(em, b.id, pending, tally, diff);
    return tally;
  }

  private count(tally: FileTally, record: string[], pending: string[][]): void {
    tally.recordCount += 1;
    tally.totalAmountFen += /^-?\d+$/.test(record[6] ?? '') ? BigInt(record[6]) : 0n;
    pending.push(record);
  }

  private async compareRecords(
    em: EntityManager,
    batchId: string,
    records: string[][],
    tally: FileTally,
    diff: (e: string, id: string, x: Record<string, unknown> | null, a: Record<string, unknown> | null) => void,
  ): Promise<string[][]> {
    if (records.length === 0) return [];
    const ids = records.map((r) => r[0]).filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    const rows: Record<string, string | boolean>[] = await em.query(`SELECT ${CHARGE_COLUMNS} FROM charges WHERE id = ANY($1::uuid[])`, [ids, batchId]);
    const byId = new Map(rows.map((r) => [r.id as string, Object.values(r)]));
    for (const record of records) {
      const charge = byId.get(record[0]);
      if (!charge) {
        diff('settlement-record', `${batchId}:${record[0]}`, null, rowFields(record.slice(1)));
        continue;
      }
      if (charge[9] === true) tally.listedTagged += 1;
      const expected = rowFields(charge.slice(1, 9).map(String));
      const actual = rowFields(record.slice(1));
      const keys = ROW_FIELDS.filter((k) => expected[k] !== actual[k]);
      if (keys.length) diff('settlement-record', `${batchId}:${record[0]}`, pick(expected, keys), pick(actual, keys));
    }
    return [];
  }
}

function rowFields(values: string[]): Record<string, string> {
  return Object.fromEntries(ROW_FIELDS.map((k, i) => [k, values[i] ?? '']));
}

/** The named fields, integers as JSON numbers (see asJson). */
function pick<T extends Record<string, string | number | null>>(o: T, keys: (keyof T)[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, typeof o[k] === 'string' ? asJson(o[k] as string) : o[k]]));
}
