import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { ensureDatabase } from '../src/database/ensure-database';
import { seedCatalog } from './seed-catalog';

export { seedCatalog } from './seed-catalog';

/** `npm run seed`: the same modules as the CLI, then the seed catalog through the catalog services. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.NODE_ENV !== 'production' && config.MIGRATIONS_RUN) await ensureDatabase(config.DATABASE_URL);
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole('cli', config), { logger: ['error'] });
  try {
    const result = await seedCatalog(ctx);
    process.stdout.write(`catalog seed: ${result.created} created, ${result.existing} already present\n`);
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
