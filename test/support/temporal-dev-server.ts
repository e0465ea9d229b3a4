import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';

/** The CLI `npm test` installs (scripts/lib.sh, ensure_temporal_cli). */
const TEMPORAL_CLI = join(__dirname, '..', '..', '.tools', 'temporal-venv', 'bin', 'temporal');

/** The search attributes scripts/lib.sh registers on the shared server. */
const SEARCH_ATTRIBUTES = [
  'BulwarkTenantId=Keyword',
  'BulwarkResourceId=Keyword',
  'BulwarkSyncKind=Keyword',
  'BulwarkSyncEventId=Keyword',
];

/**
 * A Temporal dev server of one test's own, so that the test can stop and
 * restart it: the shared server on 7233 serves other test files and other
 * engineers and must never go down. State lives in a SQLite file, so a
 * restart keeps every workflow.
 */
export interface PrivateTemporalServer {
  address: string;
  /** Kills the server as a crash would (SIGKILL); its state stays in the file. */
  kill: () => Promise<void>;
  /** Starts it again on the same port and file, and waits until it answers. */
  start: () => Promise<void>;
  /** Kills it and removes its state. */
  dispose: () => Promise<void>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));

  return port;
}

async function waitUntilServing(
  address: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the Temporal dev server exited (${child.exitCode})`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.healthService.check({});
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`the Temporal dev server at ${address} did not answer: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Starts a private dev server on free ports; `kill` and `start` fault it. */
export async function startPrivateTemporalServer(): Promise<PrivateTemporalServer> {
  if (!existsSync(TEMPORAL_CLI)) {
    throw new Error(`no Temporal CLI at ${TEMPORAL_CLI}; run \`npm test\`, which installs it`);
  }
  const directory = mkdtempSync(join(tmpdir(), 'bulwark-temporal-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    join(directory, 'temporal.sqlite'),
    '--log-level',
    'error',
    ...SEARCH_ATTRIBUTES.flatMap((attribute) => ['--search-attribute', attribute]),
  ];
  let child: ChildProcess | undefined;

  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    child = spawn(TEMPORAL_CLI, args, { stdio: 'ignore' });
    await waitUntilServing(address, child, 60_000);
  };

  await start();

  return {
    address,
    kill,
    start,
    async dispose() {
      await kill();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
