import { DataSource } from 'typeorm';

/** One process migrates at a time: a session-level advisory lock, held on its own connection. */
const LOCK_SQL = `SELECT pg_advisory_lock(hashtext('tpb:migrations'))`;
const UNLOCK_SQL = `SELECT pg_advisory_unlock(hashtext('tpb:migrations'))`;

/**
 * Several API replicas start at once and each runs pending migrations. Without a lock two of them
 * apply the same migration concurrently (one fails, or worse, both half-apply a non-transactional
 * step). Under the lock the first applies them; the others wait, then find nothing pending.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(LOCK_SQL);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query(UNLOCK_SQL);
    }
  } finally {
    await lock.release();
  }
}
