import { randomBytes } from 'node:crypto';
import { ensureDatabase, dropDatabase } from '../../src/db/create-database';
import type { Db } from '../../src/db/database';
import { createDb } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { serverSettings } from './settings';

export interface TestDatabase {
  url: string;
  db: Db;
  drop: () => Promise<void>;
}

/** A freshly migrated database of the test's own, dropped by `drop`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = new URL(serverSettings().postgresUrl);
  url.pathname = `/bulwark_test_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(url.toString());

  const db = createDb(url.toString(), 5);
  await migrateToLatest(db);

  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      await dropDatabase(url.toString());
    },
  };
}
