import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';

/**
 * A client whose connection is made on first use, so the api starts (and
 * accepts writes into the outbox) even while Temporal is down.
 */
export function createTemporalClient(config: Config): { client: Client; close: () => Promise<void> } {
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

  return { client, close: () => connection.close() };
}
