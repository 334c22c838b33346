import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Meta's Graph API as the worker's sends meet it: every POST .../messages is accepted with a new wamid.

export interface FakeGraph {
  /** The graphBaseUrl of the bench account (with the API version, as in production). */
  baseUrl: string;
  sends: number;
  stop(): Promise<void>;
}

export async function startFakeGraph(): Promise<FakeGraph> {
  let counter = 0;
  const state = { sends: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.sends++;
      const id = `wamid.bench-out-${++counter}-${randomBytes(3).toString('hex')}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [], messages: [{ id }] }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v21.0`,
    get sends() {
      return state.sends;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
