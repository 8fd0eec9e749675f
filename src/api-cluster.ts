import cluster from 'node:cluster';
import { DataSource } from 'typeorm';
import { AppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';

/**
 * WEB_CONCURRENCY API processes on one port (Node's cluster module: the primary accepts and
 * hands connections to the workers in turn). The primary serves nothing: it migrates once, so
 * the workers do not race on the migrations table, forks the workers, replaces one that dies, and
 * passes SIGTERM/SIGINT on so each closes gracefully. Each worker has its own database pool
 * (20 connections) and its own API-key cache.
 */
export async function runApiCluster(config: AppConfig): Promise<void> {
  if (config.MIGRATIONS_RUN) await migrateOnce(config);
  let stopping = false;
  const fork = () => cluster.fork({ MIGRATIONS_RUN: 'false', WEB_CONCURRENCY: '1' });
  for (let i = 0; i < config.WEB_CONCURRENCY; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      process.stderr.write(`API process ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
      fork();
    } else if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function migrateOnce(config: AppConfig): Promise<void> {
  const ds = new DataSource(dataSourceOptions(config));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

export const isClusterPrimary = (config: AppConfig) => config.APP_ROLE === 'api' && config.WEB_CONCURRENCY > 1 && cluster.isPrimary;
