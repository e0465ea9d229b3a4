import type { PoolClient } from 'pg';
import { Pool } from 'pg';
import type { LoadResult } from './load';
import { progress, sleep, summarize, ticker } from './stats';

/**
 * The floor: the database work of a workload done directly with `pg`, one
 * connection per concurrent client, without HTTP, SCIM or Temporal. What
 * the service cannot beat on this machine and this PostgreSQL.
 */
export interface FloorOptions {
  label: string;
  databaseUrl: string;
  clients: number;
  /** One unit of work; `index` counts units over all clients from 0. */
  unit: (client: PoolClient, index: number) => Promise<void>;
  amount?: number;
  durationSeconds?: number;
}

/**
 * PostgreSQL here allows 100 connections, shared with whatever else runs on
 * the machine: waits (at most 15 s) until the api's pool has let its idle
 * connections go before opening the floor's.
 */
async function untilQuiet(databaseUrl: string, clients: number): Promise<void> {
  if (clients <= 8) return;
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    for (let waited = 0; waited < 15_000; waited += 250) {
      const { rows } = await pool.query(
        'select count(*)::int as open from pg_stat_activity where datname = current_database()',
      );
      if (rows[0].open <= 16) return;
      await sleep(250);
    }
  } finally {
    await pool.end();
  }
}

/** Runs `unit` in a closed loop on every client, in a transaction the unit opens itself. */
export async function runFloor(options: FloorOptions): Promise<LoadResult> {
  await untilQuiet(options.databaseUrl, options.clients);
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.clients });
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + (options.durationSeconds ?? Infinity) * 1000;
  let next = 0;
  const more = () => (options.amount === undefined ? performance.now() < deadline : next < options.amount);
  const stopTicker = ticker(5000, () => {
    const seconds = (performance.now() - started) / 1000;
    progress(`${options.label}: ${latencies.length} units in ${seconds.toFixed(0)} s`);
  });

  try {
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        const client = await pool.connect();
        try {
          while (more()) {
            const index = next++;
            const at = performance.now();
            await options.unit(client, index);
            latencies.push(performance.now() - at);
          }
        } finally {
          client.release();
        }
      }),
    );
  } finally {
    stopTicker();
    await pool.end();
  }
  const seconds = (performance.now() - started) / 1000;

  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    latency: summarize(latencies),
    failures: 0,
  };
}

/** BEGIN … COMMIT around `work`, rolled back when it throws. */
export async function inTransaction(client: PoolClient, work: () => Promise<void>): Promise<void> {
  await client.query('begin');
  try {
    await work();
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
