import { Connection } from '@temporalio/client';
import { Client } from 'pg';
import { serverSettings } from './settings';

/**
 * Fails fast, with the fix, when PostgreSQL or the Temporal dev server is not
 * there. `npm test` starts both; running jest directly needs them up already.
 */
export default async function globalSetup(): Promise<void> {
  const { postgresUrl, temporalAddress } = serverSettings();

  const client = new Client({ connectionString: postgresUrl });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${postgresUrl} (${String(error)}); run \`npm test\`.`);
  }

  try {
    const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 5000 });
    await connection.close();
  } catch (error) {
    throw new Error(
      `The Temporal server is not reachable at ${temporalAddress} (${String(error)}); run \`npm test\`.`,
    );
  }
}
