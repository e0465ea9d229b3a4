/** Where tests find the servers `npm test` starts. */
export function serverSettings() {
  return {
    postgresUrl: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  };
}
