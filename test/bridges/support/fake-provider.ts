import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';

// A provider's API played by a local HTTP server: it checks each request the way the provider documents it, answers
// like the provider, and keeps what it received so a test can see what Matterline sent.

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ProviderAnswer {
  status: number;
  json?: unknown;
  /** Bytes to answer with instead of JSON (media downloads). */
  raw?: { body: Buffer; contentType: string; headers?: Record<string, string> };
}

export interface FakeProvider {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  received: { request: ReceivedRequest; answer: ProviderAnswer }[];
  stop(): Promise<void>;
}

export async function startFakeProvider(answer: (request: ReceivedRequest) => ProviderAnswer): Promise<FakeProvider> {
  const received: FakeProvider['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      let reply: ProviderAnswer;
      try {
        reply = answer(request);
      } catch (error) {
        reply = { status: 500, json: { error: String(error) } };
      }
      received.push({ request, answer: reply });
      if (reply.raw) {
        res.writeHead(reply.status, { 'content-type': reply.raw.contentType, ...reply.raw.headers }).end(reply.raw.body);
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
