import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator } from 'kysely';
import * as directory from './migrations/0001-directory';
import * as auditAndOutbox from './migrations/0002-audit-and-outbox';
import * as expressionStatistics from './migrations/0003-expression-statistics';
import * as automaticReplay from './migrations/0004-automatic-replay';
import * as tokensInvalidBefore from './migrations/0005-tokens-invalid-before';

/** Migrations are listed here rather than read from disk, so they work from src and dist alike. */
const migrations: Record<string, Migration> = {
  '0001-directory': directory,
  '0002-audit-and-outbox': auditAndOutbox,
  '0003-expression-statistics': expressionStatistics,
  '0004-automatic-replay': automaticReplay,
  '0005-tokens-invalid-before': tokensInvalidBefore,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const name = failed === undefined ? '' : ` (${failed.migrationName})`;
    throw new Error(`migration failed${name}: ${String(error)}`, { cause: error });
  }
}
