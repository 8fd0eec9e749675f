import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './migration-lock';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        migrationsRun: config.MIGRATIONS_RUN,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
      // TypeORM's own migrationsRun takes no lock; migrations run here instead, under one.
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const dataSource = await new DataSource({ ...options!, migrationsRun: false }).initialize();
        try {
          if (options?.migrationsRun) await runMigrationsExclusively(dataSource);
        } catch (err) {
          await dataSource.destroy();
          throw err;
        }
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
