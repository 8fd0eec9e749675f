import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

type Task = () => Promise<void>;

/**
 * Runs a task once the transaction of `em` has committed, and forgets it on rollback, whoever
 * owns that transaction (the usage recorder, the idempotency service). Used to enqueue outbox
 * rows only when they are visible to the worker. A failing task is logged, never thrown: the
 * transaction has committed and must not look failed; the outbox sweeper enqueues what was missed.
 */
@Injectable()
export class AfterCommit implements OnModuleInit, EntitySubscriberInterface {
  private readonly logger = new Logger(AfterCommit.name);
  private readonly pending = new WeakMap<QueryRunner, Task[]>();

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  run(em: EntityManager, task: Task): void {
    const runner = em.queryRunner;
    if (!runner?.isTransactionActive) return this.start(task);
    this.pending.set(runner, [...(this.pending.get(runner) ?? []), task]);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // Still active: only a savepoint was released; the outer transaction may yet roll back.
    if (event.queryRunner.isTransactionActive) return;
    const tasks = this.pending.get(event.queryRunner) ?? [];
    this.pending.delete(event.queryRunner);
    tasks.forEach((task) => this.start(task));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  private start(task: Task): void {
    task().catch((err: unknown) => this.logger.warn({ err }, 'after-commit task failed; the sweeper will catch up'));
  }
}
