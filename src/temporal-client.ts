import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { Config } from './config';

/**
 * A client whose connection is made on first use, so the api starts (and
 * accepts writes into the outbox) even while Temporal is down. Calls retry
 * only briefly: a sync event whose start fails is the dispatcher's to retry,
 * and a long retry chain would outlive a shutdown of the connection.
 */
export function createTemporalClient(config: Config): { client: Client; close: () => Promise<void> } {
  const connection = Connection.lazy({
    address: config.TEMPORAL_ADDRESS,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
  });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

  return { client, close: () => connection.close() };
}
