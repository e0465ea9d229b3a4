import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export function createDb(connectionString: string, maxConnections = 10): Db {
  const pool = new Pool({ connectionString, max: maxConnections });
  // An idle client losing its connection (PostgreSQL restarted) must not crash the process.
  pool.on('error', () => undefined);

  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
