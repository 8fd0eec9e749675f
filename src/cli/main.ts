import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, InvalidArgumentError } from 'commander';
import { AppModule } from '../app.module';
import { ConfigError, loadConfig } from '../config/app-config';
import { ensureDatabase } from '../database/ensure-database';
import { ApiKeysService } from '../access/api-keys.service';
import { parseRole } from '../access/role';
import { watchRun } from './rating-run-progress';
import { SettlementRunner } from '../settlement/settlement-runner.service';
import { Verifier } from '../verification/verifier.service';

/** Operations CLI: the same modules as the service, without HTTP or queue processors. */
async function withContext<T>(run: (ctx: INestApplicationContext) => Promise<T>, role: 'cli' | 'worker' = 'cli'): Promise<T> {
  const config = loadConfig();
  if (config.NODE_ENV !== 'production' && config.MIGRATIONS_RUN) await ensureDatabase(config.DATABASE_URL);
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole(role, { ...config, APP_ROLE: role === 'cli' ? 'api' : role }), {
    logger: ['error'],
  });
  try {
    return await run(ctx);
  } finally {
    await ctx.close();
  }
}

function roleArg(value: string): string {
  if (!parseRole(value)) throw new InvalidArgumentError('admin, billing, gateway, account:<uuid> or provider:<code>');
  return value;
}

const program = new Command('token-plan-bss').description('Token-plan BSS operations');

program
  .command('api-key:create')
  .description('create an API key and print its secret (shown once)')
  .requiredOption('--name <name>', 'a label for the key')
  .option('--role <role>', 'admin | billing | gateway | account:<id> | provider:<code>', roleArg, 'admin')
  .action(async (opts: { name: string; role: string }) => {
    const key = await withContext((ctx) => ctx.get(ApiKeysService).create(opts.name, opts.role));
    process.stdout.write(`${JSON.stringify(key, null, 2)}\n`);
  });

program
  .command('rating-run:start')
  .description('start a bill run for an ended period and show its progress until it ends')
  .requiredOption('--period <YYYY-MM>', 'the billing period to rate (earlier unrated cycles are caught up)')
  .action(async (opts: { period: string }) => {
    // The CLI process works on the run too (it boots the worker role), alongside any running workers.
    const view = await withContext((ctx) => watchRun(ctx, opts.period), 'worker');
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    if (view.status !== 'completed') process.exitCode = 1;
  });

program
  .command('settlement:run')
  .description('export every PENDING charge into one settlement batch file (finishing any batch a crash left preparing)')
  .action(async () => {
    const { body } = await withContext((ctx) => ctx.get(SettlementRunner).run(null));
    process.stdout.write(body ? `${JSON.stringify(body, null, 2)}\n` : 'no pending charges: no batch\n');
  });

program
  .command('verify')
  .description('recompute balances, counters, charges, invoices and settlement batches; exit 1 on any difference')
  .action(async () => {
    const report = await withContext((ctx) => ctx.get(Verifier).run());
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.ok) process.exitCode = 1;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError || !(err instanceof Error) ? String(err instanceof Error ? err.message : err) : (err.stack ?? err.message)}\n`,
  );
  process.exit(1);
});
