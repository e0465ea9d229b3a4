import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { call, USER_SCHEMA } from './load';
import { freePort, memoryOf } from './service';
import { progress, sleep } from './stats';

/** Installed, pinned, by bench/run.sh. */
const PEER_BIN = join(__dirname, '..', '..', '..', '.tools', 'scim2-server-venv', 'bin', 'scim2-server');

/**
 * The peer: the reference SCIM server of the PyPI package `scim2-server`
 * (python-scim), in-memory storage, on loopback, serving `/v2`.
 */
export interface Peer {
  baseUrl: string;
  token: string;
  rssMb: () => number;
  stop: () => Promise<void>;
}

export function peerInstalled(): boolean {
  return existsSync(PEER_BIN);
}

export async function startPeer(): Promise<Peer> {
  const port = await freePort();
  const token = randomBytes(24).toString('base64url');
  // It logs one line per request to stderr, as our api does to stdout; both are discarded.
  const child = spawn(PEER_BIN, ['--hostname', '127.0.0.1', '--port', String(port), '--bearer-token', token], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const baseUrl = `http://127.0.0.1:${port}/v2`;
  for (let attempt = 0; ; attempt++) {
    const up = await fetch(`${baseUrl}/ServiceProviderConfig`, {
      headers: { Authorization: `Bearer ${token}` },
    }).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || attempt > 300) throw new Error('scim2-server did not start');
    await sleep(100);
  }

  return {
    baseUrl,
    token,
    rssMb: () => memoryOf(child.pid!).rssMb,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Loads users into the peer with Bulk, 1,000 per request (its own fastest path); returns their ids. */
export async function loadPeerUsers(peer: Peer, label: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const size = Math.min(1000, count - start);
    const Operations = Array.from({ length: size }, (_, index) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `b${index}`,
      data: { schemas: [USER_SCHEMA], userName: `${label}.${start + index}@bench.example.com` },
    }));
    const answer = await call(peer.baseUrl, peer.token, 'POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations,
    });
    for (const operation of answer.Operations as Array<{ location?: string; status: string }>) {
      if (!String(operation.status).startsWith('2')) throw new Error(`peer bulk: ${JSON.stringify(operation)}`);
      ids.push(String(operation.location).split('/').at(-1)!);
    }
    if ((start / 1000) % 20 === 19) progress(`peer: ${start + size}/${count} ${label} users loaded`);
  }

  return ids;
}
