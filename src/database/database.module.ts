import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

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
    }),
  ],
})
export class DatabaseModule {}

/**
 * An `api` process serves requests only, so every statement on its pool is request work and may be
 * bounded; a process that also runs workers (the bill run, settlement, ingest) must not be.
 */
export function withRequestBounds(options: DataSourceOptions, config: Pick<AppConfig, 'APP_ROLE' | 'API_STATEMENT_TIMEOUT_MS'>): DataSourceOptions {
  if (config.APP_ROLE !== 'api' || config.API_STATEMENT_TIMEOUT_MS === 0) return options;
  const extra = (options as { extra?: Record<string, unknown> }).extra ?? {};
  return { ...options, extra: { ...extra, statement_timeout: config.API_STATEMENT_TIMEOUT_MS } } as DataSourceOptions;
}
