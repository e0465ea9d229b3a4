import { Client } from 'pg';

/** Creates the database a connection string names, if it does not exist yet. */
export async function ensureDatabase(connectionString: string): Promise<void> {
  await onMaintenanceDatabase(connectionString, async (client, name) => {
    const existing = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${quoteIdentifier(name)}`);
    }
  });
}

export async function dropDatabase(connectionString: string): Promise<void> {
  await onMaintenanceDatabase(connectionString, async (client, name) => {
    await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
  });
}

/**
 * Runs `work` connected to the server's `postgres` database, since a database
 * cannot be created or dropped from a connection to itself; `name` is the
 * database the connection string names.
 */
async function onMaintenanceDatabase(
  connectionString: string,
  work: (client: Client, name: string) => Promise<void>,
): Promise<void> {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';

  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await work(client, name);
  } finally {
    await client.end();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
