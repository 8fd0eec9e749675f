import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, InvalidArgumentError } from 'commander';
import { AppModule } from '../app.module';
import { ConfigError, loadConfig } from '../config/app-config';
import { ensureDatabase } from '../database/ensure-database';
import { ApiKeysService } from '../access/api-keys.service';
import { parseRole } from '../access/role';

/** Operations CLI: the same modules as the service, without HTTP or queue processors. */
async function withContext<T>(run: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.NODE_ENV !== 'production' && config.MIGRATIONS_RUN) await ensureDatabase(config.DATABASE_URL);
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole('cli', config), { logger: ['error'] });
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

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || !(err instanceof Error) ? String(err instanceof Error ? err.message : err) : (err.stack ?? err.message)}\n`);
  process.exit(1);
});
