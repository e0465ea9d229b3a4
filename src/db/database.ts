import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export function createDb(connectionString: string, maxConnections = 10): Db {
  const pool = new Pool({ connectionString, max: maxConnections });
  // An idle client losing its connection (PostgreSQL restarted) must not crash the process.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: pg emits the error on the client as well as failing its query,
  // and the pool listens only while the client is idle. The query's caller gets the error
  // (a 503, a retried activity) and the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));

  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
