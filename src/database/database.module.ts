import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Pool, PoolClient } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './migration-lock';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...withRequestBounds(dataSourceOptions(config), config),
        migrationsRun: config.MIGRATIONS_RUN,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
      // TypeORM's own migrationsRun takes no lock; migrations run here instead, under one, on a pool of
      // their own without the request statement timeout (a migration or the wait for the lock may be long).
      dataSourceFactory: async (options?: DataSourceOptions) => {
        if (options?.migrationsRun) await migrate(options);
        return guardConnectionErrors(await new DataSource({ ...options!, migrationsRun: false }).initialize());
      },
    }),
  ],
})
export class DatabaseModule {}

/**
 * A pooled connection that PostgreSQL terminates can report the loss twice (the server's FATAL
 * message, then the closed socket). pg-pool listens once while a query runs, so the second report
 * would be an 'error' event nobody listens to, which ends the process. Every connection gets a
 * standing listener: the loss still reaches the query that was running, and the pool drops the
 * connection; the process stays up and answers 503 until the database is back.
 */
function guardConnectionErrors(dataSource: DataSource): DataSource {
  const pool = (dataSource.driver as PostgresDriver).master as Pool & { _clients?: PoolClient[] };
  const guard = (client: PoolClient) => client.on('error', () => undefined);
  pool.on('connect', guard);
  for (const client of pool._clients ?? []) guard(client);
  return dataSource;
}

async function migrate(options: DataSourceOptions): Promise<void> {
  const { statement_timeout: _timeout, ...extra } = (options as { extra?: Record<string, unknown> }).extra ?? {};
  const dataSource = await new DataSource({ ...options, extra: { ...extra, max: 2 }, migrationsRun: false } as DataSourceOptions).initialize();
  try {
    await runMigrationsExclusively(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * An `api` process serves requests only, so every statement on its pool is request work and may be
 * bounded; a process that also runs workers (the bill run, settlement, ingest) must not be.
 */
export function withRequestBounds(options: DataSourceOptions, config: Pick<AppConfig, 'APP_ROLE' | 'API_STATEMENT_TIMEOUT_MS'>): DataSourceOptions {
  if (config.APP_ROLE !== 'api' || config.API_STATEMENT_TIMEOUT_MS === 0) return options;
  const extra = (options as { extra?: Record<string, unknown> }).extra ?? {};
  return { ...options, extra: { ...extra, statement_timeout: config.API_STATEMENT_TIMEOUT_MS } } as DataSourceOptions;
}
