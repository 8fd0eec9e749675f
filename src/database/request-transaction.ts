import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';

type RunnerFactory = DataSource['createQueryRunner'];
const storage = new AsyncLocalStorage<QueryRunner>();
const PATCHED = Symbol('request-transaction');

/**
 * One database transaction around a whole request, so that everything the request writes (the
 * change and its audit entry) commits together or not at all. Services keep calling
 * `dataSource.transaction()`, repositories and `dataSource.query()` as before: while a request
 * transaction is open in the current async context, every query runner the data source hands out
 * is that request's runner (nested transactions become savepoints, and a release is deferred to
 * the request's end).
 */
@Injectable()
export class RequestTransaction implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const ds = this.dataSource as DataSource & { [PATCHED]?: true };
    if (ds[PATCHED]) return;
    const original: RunnerFactory = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = (mode) => {
      const shared = storage.getStore();
      return shared && !shared.isReleased ? unreleasable(shared) : original(mode);
    };
    ds[PATCHED] = true;
  }

  /** Runs `work` in one transaction; `beforeCommit` writes last, on the same connection. */
  async run<T>(work: () => Promise<T>, beforeCommit: (runner: QueryRunner, result: T) => Promise<void>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await storage.run(runner, work);
      await beforeCommit(runner, result);
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }
}

function unreleasable(runner: QueryRunner): QueryRunner {
  return new Proxy(runner, {
    get(target, prop) {
      if (prop === 'release') return async () => undefined;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? ((value as (...args: unknown[]) => unknown).bind(target) as unknown) : value;
    },
  });
}
