import { loadConfig } from '../config';
import { ensureDatabase } from './create-database';
import { createDb } from './database';
import { migrateToLatest } from './migrate';

/** `npm run migrate`: creates the database if needed and applies every migration. */
async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);

  const db = createDb(config.DATABASE_URL, 1);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
