import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';

// /readyz over real HTTP: a required check that fails makes the server not ready (503); a reported one (a linked
// phone offline) is named in the answer and leaves the server ready for its load balancer.
describe('readiness', () => {
  let server: Server;
  let url: string;
  let bridgesDown = false;
  let databaseDown = false;

  beforeAll(async () => {
    const app = createApp({
      logger: createLogger({ logLevel: 'silent' }),
      diagnosticsGuard: (_req, _res, next) => next(),
      routers: [],
      readiness: [
        {
          name: 'postgresql',
          check: async () => {
            if (databaseDown) throw new Error('connection refused');
          },
        },
        {
          name: 'bridges',
          required: false,
          check: async () => {
            if (bridgesDown) throw new Error('not connected: acc-1 (disconnected)');
          },
        },
      ],
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('stays ready with a linked phone offline, and names it', async () => {
    bridgesDown = true;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'postgresql', ok: true, required: true },
        { name: 'bridges', ok: false, required: false, error: 'not connected: acc-1 (disconnected)' },
      ],
    });
  });

  it('is not ready when a required check fails', async () => {
    databaseDown = true;
    const response = await fetch(url);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { status: string }).status).toBe('not_ready');
  });
});
