import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TcpProxy } from '../support/tcp-proxy.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

// The proxy the PostgreSQL outage test relies on: it forwards, and each way of cutting does what it says.

/** Connects, writes `text`, and resolves with what came back within waitMs, or the error that ended the socket. */
function exchange(port: number, text: string, waitMs = 1000): Promise<{ echoed: string; error?: string }> {
  return new Promise((resolve) => {
    let echoed = '';
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ echoed });
    }, waitMs);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      echoed += chunk.toString();
      if (echoed === text) {
        clearTimeout(timer);
        socket.end();
        resolve({ echoed });
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ echoed, error: error.code ?? error.message });
    });
  });
}

describe('the TCP proxy of the fault tests', () => {
  let echo: net.Server;
  let proxy: TcpProxy;

  beforeAll(async () => {
    echo = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startTcpProxy({ targetPort: (echo.address() as AddressInfo).port });
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('forwards both ways', async () => {
    expect(await exchange(proxy.port, 'hello')).toEqual({ echoed: 'hello' });
    expect(proxy.accepted).toBeGreaterThan(0);
  });

  it('severs open connections and refuses new ones while cut, then forwards again', async () => {
    const open = net.connect({ host: '127.0.0.1', port: proxy.port });
    const closed = new Promise<string>((resolve) => {
      open.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      open.on('close', () => resolve('closed'));
    });
    await new Promise((resolve) => open.once('connect', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));

    await proxy.cut('refuse');
    expect(await closed).toMatch(/ECONNRESET|closed/);
    expect((await exchange(proxy.port, 'x')).error).toBe('ECONNREFUSED');
    await proxy.restore();
    expect(await exchange(proxy.port, 'again')).toEqual({ echoed: 'again' });
  });

  it('resets new connections in reset mode', async () => {
    await proxy.cut('reset');
    expect((await exchange(proxy.port, 'x')).error).toMatch(/ECONNRESET|EPIPE/);
    await proxy.restore();
    expect(await exchange(proxy.port, 'back')).toEqual({ echoed: 'back' });
  });

  it('accepts and answers nothing in blackhole mode, and resets the held connections on restore', async () => {
    await proxy.cut('blackhole');
    expect(await exchange(proxy.port, 'lost', 300)).toEqual({ echoed: '' });
    const held = net.connect({ host: '127.0.0.1', port: proxy.port });
    const ended = new Promise<string>((resolve) => {
      held.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      held.on('close', () => resolve('closed'));
    });
    await new Promise((resolve) => held.once('connect', resolve));
    await proxy.restore();
    expect(await ended).toMatch(/ECONNRESET|closed/);
    expect(await exchange(proxy.port, 'through')).toEqual({ echoed: 'through' });
  });
});
