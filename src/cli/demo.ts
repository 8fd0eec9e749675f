import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { Client } from 'pg';
import { bullPrefix, redisOptionsFromUrl } from '../queue/redis-options';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { AppConfig, loadConfig } from '../config/app-config';
import { cycleContaining } from '../billing-rules';
import { seedCatalog } from '../../seeds/seed-catalog';
import { AccountsService } from '../accounts/accounts.service';
import { ChargesService } from '../charges/charges.service';
import { RatingRunService } from '../rating/rating-run.service';
import { SettlementRunner } from '../settlement/settlement-runner.service';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { SubscriptionLifecycleService } from '../subscriptions/subscription-lifecycle.service';
import { TopupsService } from '../topups/topups.service';
import { UsageRecorder } from '../usage/ledger/usage-recorder.service';
import { simulateMonth, DemoLine } from './demo-usage';
import { dbInt } from '../database/db-integer';
import { Verifier } from '../verification/verifier.service';

/**
 * The main job, end to end on a fresh database: migrations, the seed catalog, customers sold
 * during last month, a simulated month of usage through the exactly-once ledger, the bill run for
 * that month, a settlement file, and a summary.
 */
async function main(): Promise<void> {
  const base = loadConfig();
  const config = await freshDemoDatabase(base);
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole('worker', config), { logger: ['error', 'warn'] });
  try {
    const seeded = await seedCatalog(ctx);
    const month = cycleContaining(new Date(cycleContaining(new Date(), config.BILLING_TZ).start.getTime() - 1), config.BILLING_TZ);
    const lines = await sellCustomers(ctx, month.start);
    const usage = await simulateMonth(ctx.get(UsageRecorder), lines, month.start, month.end);
    await midMonthCommerce(ctx, lines, month.start);
    const run = await billRun(ctx, month.period);
    const settlement = await ctx.get(SettlementRunner).run(null);
    await printSummary(ctx, { config, seeded, month: month.period, usage, run, settlement: settlement.body });
  } finally {
    await ctx.close();
    await forgetDemoQueues(config);
  }
}

/** The demo's queues and schedules live under their own Redis prefix; nothing of them is kept. */
async function forgetDemoQueues(config: AppConfig): Promise<void> {
  const redis = new Redis(redisOptionsFromUrl(config.REDIS_URL));
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${bullPrefix(config.REDIS_PREFIX)}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

async function freshDemoDatabase(base: AppConfig): Promise<AppConfig> {
  const url = new URL(base.DATABASE_URL);
  const name = `${decodeURIComponent(url.pathname.slice(1))}_demo`;
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  const outbox = resolve(base.SETTLEMENT_OUTBOX_DIR);
  return Object.assign(new AppConfig(), base, {
    DATABASE_URL: url.toString(),
    MIGRATIONS_RUN: true,
    APP_ROLE: 'worker',
    LOG_LEVEL: 'warn',
    REDIS_PREFIX: `tpbdemo${randomBytes(3).toString('hex')}`,
    SETTLEMENT_OUTBOX_DIR: outbox,
    USAGE_RETENTION_DAYS: Math.max(base.USAGE_RETENTION_DAYS, 62),
  });
}

const PLAN_MIX: { plan: string; lines: number; startDay: number; caps?: number[] }[] = [
  ...Array.from({ length: 6 }, (_, i) => ({ plan: 'personal-9.9', lines: 1, startDay: 1 + i * 4 })),
  ...Array.from({ length: 3 }, (_, i) => ({ plan: 'personal-1', lines: 1, startDay: 1 + i * 7 })),
  { plan: 'family-5', lines: 4, startDay: 1, caps: [8_000_000, 8_000_000, 4_000_000, 2_000_000] },
  { plan: 'business-pool-s', lines: 12, startDay: 3 },
];

/** Accounts and subscriptions sold during the month (the clock of each sale is that day). */
async function sellCustomers(ctx: INestApplicationContext, monthStart: Date): Promise<DemoLine[]> {
  const accounts = ctx.get(AccountsService);
  const subs = ctx.get(SubscriptionsService);
  const lines: DemoLine[] = [];
  for (const [i, mix] of PLAN_MIX.entries()) {
    const type = mix.plan.startsWith('business') ? 'enterprise' : 'individual';
    const account = await accounts.create({ externalRef: `DEMO-${1000 + i}`, type, name: `Demo customer ${i + 1}` });
    const members = Array.from({ length: mix.lines }, (_, j) => ({
      subscriberId: `86138${String(i).padStart(3, '0')}${String(j).padStart(4, '0')}`,
      monthlyCapCredits: mix.caps?.[j],
    }));
    const soldAt = new Date(monthStart.getTime() + (mix.startDay - 1) * 86_400_000 + 10 * 3600_000);
    const sub = await subs.create({ accountId: account.id, planCode: mix.plan, members }, soldAt);
    for (const m of members) lines.push({ subscriberId: m.subscriberId, subscriptionId: sub.id, plan: mix.plan, from: soldAt });
  }
  return lines;
}

/** A pack bought, a plan change, a cancellation and a goodwill credit, as staff would do them. */
async function midMonthCommerce(ctx: INestApplicationContext, lines: DemoLine[], monthStart: Date): Promise<void> {
  const day = (d: number) => new Date(monthStart.getTime() + (d - 1) * 86_400_000 + 12 * 3600_000);
  const lite = lines.find((l) => l.plan === 'personal-1')!;
  await ctx.get(TopupsService).purchase(lite.subscriptionId, 'pack-cycle-5m', null, day(20));
  const personal = lines.filter((l) => l.plan === 'personal-9.9');
  await ctx.get(SubscriptionLifecycleService).changePlan(personal[0].subscriptionId, 'family-5', day(25));
  await ctx.get(SubscriptionLifecycleService).cancel(personal[1].subscriptionId, day(26));
  const [accountId]: { account_id: string }[] = await ctx
    .get(DataSource)
    .query(`SELECT account_id FROM subscriptions WHERE id = $1`, [personal[2].subscriptionId]);
  await ctx.get(ChargesService).adjust(accountId.account_id, { amountFen: -200, reason: 'Goodwill credit, gateway outage on the 12th' }, null);
}

async function billRun(ctx: INestApplicationContext, period: string) {
  const runs = ctx.get(RatingRunService);
  const { body } = await runs.create(period, null);
  for (;;) {
    const view = await runs.view(body.id);
    if (view.status === 'completed' || view.status === 'failed') return view;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function printSummary(ctx: INestApplicationContext, s: Record<string, unknown> & { config: AppConfig }): Promise<void> {
  const db = ctx.get(DataSource);
  const charges: { type: string; n: number; fen: string }[] = await db.query(
    `SELECT type, count(*)::int AS n, sum(amount_fen)::bigint AS fen FROM charges GROUP BY type ORDER BY type`,
  );
  const models: { model_code: string; requests: number; credits: string }[] = await db.query(
    `SELECT model_code, count(*)::int AS requests, sum(credits)::bigint AS credits FROM usage_ledger GROUP BY 1 ORDER BY 3 DESC LIMIT 5`,
  );
  const settlement = s.settlement as { fileName: string; recordCount: number; totalAmountFen: number; sha256: string } | null;
  const summary = {
    database: new URL(s.config.DATABASE_URL).pathname.slice(1),
    catalog: s.seeded,
    billingPeriod: s.month,
    usage: s.usage,
    topModelsByCredits: models.map((m) => ({ model: m.model_code, requests: m.requests, credits: dbInt(m.credits, 'model credits') })),
    billRun: s.run,
    charges: charges.map((c) => ({ type: c.type, count: c.n, amountFen: dbInt(c.fen, 'charge total') })),
    settlementFile: settlement
      ? {
          path: join(s.config.SETTLEMENT_OUTBOX_DIR, settlement.fileName),
          records: settlement.recordCount,
          totalAmountFen: settlement.totalAmountFen,
          sha256: settlement.sha256,
        }
      : null,
    // Every balance, counter, charge, invoice and the settlement file recomputed from its source.
    verification: (await ctx.get(Verifier).run()).summary,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
