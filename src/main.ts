import 'reflect-metadata';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig } from './config/app-config';
import { ensureDatabase } from './database/ensure-database';
import { createProcess } from './bootstrap';
import { isClusterPrimary, runApiCluster } from './api-cluster';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.NODE_ENV !== 'production' && config.MIGRATIONS_RUN) await ensureDatabase(config.DATABASE_URL);
  if (isClusterPrimary(config)) return runApiCluster(config);
  const proc = await createProcess(config);
  if (config.APP_ROLE !== 'worker') await (proc as NestExpressApplication).listen(config.PORT);
}

main().catch((err: unknown) => {
  // One clear line for a configuration mistake; the full error for anything else.
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Startup failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
