import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/**
 * A TCP forwarder between the service and a server it depends on, so a test
 * can take that server away from the service alone: other test files and
 * other engineers keep using the real server meanwhile.
 *
 * `cut()` behaves like a PostgreSQL restart as a client sees it: every open
 * connection is reset, and so is every new one until `restore()`.
 */
export interface TcpProxy {
  port: number;
  /** Resets every open connection and every new one. */
  cut: () => Promise<void>;
  /** Forwards connections again. */
  restore: () => Promise<void>;
  /** Connections accepted since the proxy started, for checking traffic went through it. */
  connectionsAccepted: () => number;
  close: () => Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

/** Sends RST, as the peer of a process that died would see it. */
function reset(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** Starts forwarding a free local port to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let refusing = false;

  const server = createServer((client) => {
    // While cut the port stays bound and every connection is reset at once: a port left
    // free could be taken, or even self-connected to, by an ephemeral port of the client's.
    if (refusing) {
      client.on('error', () => undefined);
      reset(client);
      return;
    }
    accepted += 1;
    const upstream = createConnection(target);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await listen(server, 0);

  return {
    port,
    async cut() {
      refusing = true;
      for (const socket of sockets) reset(socket);
      sockets.clear();
    },
    async restore() {
      refusing = false;
    },
    connectionsAccepted: () => accepted,
    async close() {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}
