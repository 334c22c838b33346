import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { RpcAddress } from './signal-config.js';

// signal-cli's daemon speaks JSON-RPC 2.0, one JSON object per line, over TCP or a UNIX socket. This is the
// transport only: requests with ids and timeouts, notifications to one handler, and a promise for the close.

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: RpcErrorObject };

export interface RpcNotification {
  method: string;
  params: unknown;
}

// A line longer than this is not a message signal-cli sends (attachments travel as files, not inline).
const maxLineBytes = 8 * 1024 * 1024;

export class JsonRpcConnection {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve(outcome: RpcOutcome): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  private closeReason: string | null = null;
  /** Resolves with the reason once the connection is closed, whoever closed it. */
  readonly closed: Promise<string>;
  private resolveClosed!: (reason: string) => void;

  private constructor(
    private readonly socket: Socket,
    private readonly onNotification: (notification: RpcNotification) => void,
    private readonly logger: Logger,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (error) => this.finish(error.message));
    socket.on('close', () => this.finish('the daemon closed the connection'));
  }

  /** Opens a connection; rejects with AppError 'unavailable' when the daemon cannot be reached in time. */
  static connect(options: {
    address: RpcAddress;
    timeoutMs: number;
    logger: Logger;
    onNotification(notification: RpcNotification): void;
  }): Promise<JsonRpcConnection> {
    return new Promise((resolve, reject) => {
      const socket =
        options.address.kind === 'tcp'
          ? createConnection({ host: options.address.host, port: options.address.port })
          : createConnection({ path: options.address.path });
      const fail = (message: string) => {
        socket.destroy();
        reject(new AppError('unavailable', message));
      };
      const timer = setTimeout(() => fail(`no answer within ${options.timeoutMs} ms`), options.timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        fail(error.message);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setKeepAlive(true, 30_000);
        resolve(new JsonRpcConnection(socket, options.onNotification, options.logger));
      });
    });
  }

  get isOpen(): boolean {
    return this.closeReason === null;
  }

  /** Calls a method. Resolves with the daemon's result or error object; rejects only when the transport fails. */
  request(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<RpcOutcome> {
    if (this.closeReason !== null) {
      return Promise.reject(new AppError('unavailable', `the signal-cli connection is closed: ${this.closeReason}`));
    }
    const id = this.nextId++;
    return new Promise<RpcOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('unavailable', `signal-cli did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(`${JSON.stringify({ jsonrpc: '2.0', method, params, id })}\n`);
    });
  }

  close(reason = 'closed by Matterline'): void {
    this.finish(reason);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > maxLineBytes && !this.buffer.includes('\n')) {
      this.logger.error({ bytes: this.buffer.length }, 'signal-cli sent an overlong line; dropping the connection');
      this.finish('an overlong line from the daemon');
      return;
    }
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.logger.warn({ line: line.slice(0, 200) }, 'signal-cli sent a line that is not JSON; ignored');
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.logger.warn({ line: line.slice(0, 200) }, 'signal-cli sent JSON that is not a JSON-RPC object; ignored');
      return;
    }
    const object = message as Record<string, unknown>;
    if (typeof object.method === 'string' && object.id === undefined) {
      try {
        this.onNotification({ method: object.method, params: object.params });
      } catch (error) {
        // A handler bug must not stop the reading loop: later lines (and answers to our requests) still matter.
        this.logger.error({ err: error, method: object.method }, 'a signal-cli notification could not be handled');
      }
      return;
    }
    const id = typeof object.id === 'number' ? object.id : Number(object.id);
    const waiting = this.pending.get(id);
    if (!waiting) {
      this.logger.warn({ id: object.id }, 'signal-cli answered a request we did not make (or gave up on); ignored');
      return;
    }
    this.pending.delete(id);
    clearTimeout(waiting.timer);
    const error = object.error as Partial<RpcErrorObject> | undefined;
    if (error && typeof error === 'object') {
      waiting.resolve({
        ok: false,
        error: { code: typeof error.code === 'number' ? error.code : 0, message: String(error.message ?? 'unknown error'), data: error.data },
      });
    } else {
      waiting.resolve({ ok: true, result: object.result });
    }
  }

  private finish(reason: string): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new AppError('unavailable', `the signal-cli connection closed before it answered: ${reason}`));
      this.pending.delete(id);
    }
    this.socket.destroy();
    this.resolveClosed(reason);
  }
}
