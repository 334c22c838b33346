import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

// signal-cli's JSON-RPC daemon played by a real TCP server: newline-delimited JSON-RPC 2.0, `subscribeReceive`
// answered with a subscription id, `send` checked the way signal-cli documents it and answered with a timestamp,
// and `receive` notifications pushed to subscribed clients as the daemon does in --receive-mode=manual.

export interface RpcRequest {
  jsonrpc: string;
  id: number | string;
  method: string;
  params: Record<string, unknown>;
}

export type SendAnswer = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

export interface FakeSignalCli {
  port: number;
  rpc: string;
  requests: RpcRequest[];
  /** Lines that were not valid JSON-RPC requests: a correct client sends none. */
  protocolErrors: string[];
  /** How the next sends are answered; default: a fresh timestamp. */
  answerSend: (request: RpcRequest) => SendAnswer;
  /** Pushes a receive notification (the fixture shape, subscription id filled in) to every subscribed client. */
  push(envelope: unknown, exception?: { message: string; type: string }): void;
  /** Writes a raw line to every client (for malformed input). */
  pushLine(line: string): void;
  subscribers(): number;
  /** Drops every client connection (the daemon restarting). */
  dropClients(): void;
  stop(): Promise<void>;
}

export async function startFakeSignalCli(options: { port?: number } = {}): Promise<FakeSignalCli> {
  const clients = new Set<Socket>();
  const subscribed = new Map<Socket, number>();
  let nextTimestamp = Date.now();
  const fake: FakeSignalCli = {
    port: 0,
    rpc: '',
    requests: [],
    protocolErrors: [],
    answerSend: () => ({ result: { timestamp: ++nextTimestamp, results: [{ type: 'SUCCESS' }] } }),
    push(envelope, exception) {
      // JsonReceiveMessageHandler: {envelope, account}, and `exception` ({message, type}: JsonError) when it failed.
      const result = { ...(exception ? { exception } : {}), envelope, account: '+15550009999' };
      for (const [socket, subscription] of subscribed) {
        socket.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'receive', params: { subscription, result } })}\n`);
      }
    },
    pushLine(line) {
      for (const socket of subscribed.keys()) socket.write(`${line}\n`);
    },
    subscribers: () => subscribed.size,
    dropClients() {
      for (const socket of clients) socket.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of clients) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const answer = (socket: Socket, id: RpcRequest['id'], body: SendAnswer) =>
    socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, ...body })}\n`);

  const server: Server = createServer((socket) => {
    clients.add(socket);
    socket.on('close', () => {
      clients.delete(socket);
      subscribed.delete(socket);
    });
    socket.on('error', () => undefined);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let request: RpcRequest;
        try {
          request = JSON.parse(line) as RpcRequest;
        } catch {
          fake.protocolErrors.push(line);
          continue;
        }
        if (request.jsonrpc !== '2.0' || request.id === undefined || typeof request.method !== 'string') {
          fake.protocolErrors.push(line);
          continue;
        }
        fake.requests.push(request);
        if (request.method === 'subscribeReceive') {
          const subscription = subscribed.size;
          subscribed.set(socket, subscription);
          answer(socket, request.id, { result: subscription });
        } else if (request.method === 'send') {
          // signal-cli's send: a recipient list or a group id, and a message and/or attachments.
          const params = request.params ?? {};
          const recipients = params.recipient;
          const valid =
            ((Array.isArray(recipients) && recipients.length > 0 && recipients.every((r) => typeof r === 'string')) ||
              typeof params.groupId === 'string') &&
            (typeof params.message === 'string' || Array.isArray(params.attachments));
          answer(socket, request.id, valid ? fake.answerSend(request) : { error: { code: -32602, message: 'Invalid params' } });
        } else {
          answer(socket, request.id, { error: { code: -32601, message: 'Method not implemented' } });
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  fake.port = typeof address === 'object' && address ? address.port : 0;
  fake.rpc = `tcp://127.0.0.1:${fake.port}`;
  return fake;
}
