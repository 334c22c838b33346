import net from 'node:net';
import type { AddressInfo } from 'node:net';

// A TCP proxy of the test's own on loopback, in front of a real server (PostgreSQL on 127.0.0.1:5432): the test cuts
// the network between Matterline and the database without touching the database itself.

/**
 * How the proxy behaves while cut. Every mode first severs the connections open at the moment of the cut.
 * - `refuse`: new connections are refused (ECONNREFUSED), as when the server is down.
 * - `reset`: new connections are accepted and reset at once (ECONNRESET), as a firewall that rejects.
 * - `blackhole`: new connections are accepted and then hear nothing, as a partition that drops packets; they are
 *   reset when the proxy is restored.
 */
export type CutMode = 'refuse' | 'reset' | 'blackhole';

export interface TcpProxyOptions {
  targetHost?: string;
  targetPort: number;
  /** The port to listen on; a free one when absent. */
  port?: number;
}

export interface TcpProxy {
  readonly port: number;
  /** Connections forwarded since the start (for tests that check traffic went through the proxy). */
  readonly accepted: number;
  /** Connections open now, forwarded or held. */
  readonly open: number;
  /** Severs every open connection and keeps the target unreachable until restore(). Idempotent. */
  cut(mode?: CutMode): Promise<void>;
  /** Forwards again; connections held in a blackhole are reset. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  let mode: CutMode | 'open' = 'open';
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A reset or a refused upstream is the point of the exercise, never a crash of the test.
    socket.on('error', () => undefined);
  };
  const severAll = () => {
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
  };

  const server = net.createServer((client) => {
    track(client);
    if (mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'blackhole') {
      // Read and drop whatever the client says; it is reset when the proxy is restored.
      client.resume();
      return;
    }
    accepted++;
    const upstream = net.connect({ host: targetHost, port: options.targetPort });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    // One side gone takes the other with it, as a real connection would.
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  server.on('error', () => undefined);

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

  const port = await listen(options.port ?? 0);

  return {
    port,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    async cut(next: CutMode = 'refuse') {
      mode = next;
      severAll();
      if (next === 'refuse') {
        // close() waits for open connections, and they are all gone: the port is free at once.
        await stopListening();
      } else if (!server.listening) {
        await listen(port);
      }
    },
    async restore() {
      const wasBlackhole = mode === 'blackhole';
      mode = 'open';
      if (wasBlackhole) severAll();
      if (!server.listening) await listen(port);
    },
    async close() {
      mode = 'refuse';
      severAll();
      await stopListening();
    },
  };
}
