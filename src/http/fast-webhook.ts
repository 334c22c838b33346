import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import { errorAnswer } from './errors.js';
import { requestId, requestLogged } from './request-id.js';

/** Takes the request and answers it (true), or leaves it to the next handler (false). */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface FastWebhookOptions {
  logger: Logger;
  /** The exact URL path this answers, with the account id as its first group; anything else is left to Express. */
  path: RegExp;
  /** The largest body, as body-parser counts it (after any Content-Encoding is undone). */
  bodyLimit: string;
  /** Resolves with the 200's JSON body once the webhook is in the record; throws an AppError to refuse it. */
  receive(accountId: string, raw: Buffer, req: IncomingMessage): Promise<unknown>;
}

/**
 * A provider's webhook without the general stack. A signed webhook is most of the requests a busy server takes
 * (every message, every receipt), and Express's router, pino-http and res.json cost a sixth of its CPU (issue 18's
 * profiles): this answers the one path exactly as the Express route beside it does (the same body reader with its
 * limit and Content-Encoding handling, the same error bodies, the same X-Request-Id, the same log levels) and leaves
 * every other request, and every other spelling of the path, to Express.
 */
export function fastWebhook(options: FastWebhookOptions): FastPath {
  const readBody = express.raw({ type: () => true, limit: options.bodyLimit });
  return (req, res) => {
    if (req.method !== 'POST' || !req.url) return false;
    const match = options.path.exec(req.url);
    if (!match?.[1]) return false;
    const accountId = match[1];
    const started = performance.now();
    const id = requestId(req, res);
    const answer = (status: number, body: unknown, error?: unknown) => {
      const json = JSON.stringify(body);
      if (!res.headersSent) {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
        res.end(json);
      }
      // pino-http's levels: a refusal is a warning, a failure an error, an accepted webhook debug.
      const level = error !== undefined && status >= 500 ? 'error' : status >= 400 ? 'warn' : 'debug';
      if (options.logger.isLevelEnabled(level)) {
        const line = { req: requestLogged({ id, method: req.method, url: req.url }), res: { statusCode: status }, responseTime: Math.round(performance.now() - started) };
        options.logger[level](status >= 500 ? { ...line, err: error } : line, status >= 500 ? 'request errored' : 'request completed');
      }
    };
    const fail = (error: unknown) => {
      const { status, body } = errorAnswer(error, (err, message) => options.logger.error({ err, req: requestLogged({ id, method: req.method, url: req.url }) }, message));
      answer(status, body, error);
    };
    readBody(req as Parameters<typeof readBody>[0], res as Parameters<typeof readBody>[1], (error?: unknown) => {
      if (error) return fail(error);
      const body = (req as IncomingMessage & { body?: unknown }).body;
      const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      options.receive(accountId, raw, req).then((result) => answer(200, result), fail);
    });
    return true;
  };
}

/** The server's request listener: each fast path in turn, then the app. */
export function withFastPaths(app: RequestListener, fastPaths: readonly FastPath[]): RequestListener {
  if (fastPaths.length === 0) return app;
  return (req, res) => {
    for (const fastPath of fastPaths) if (fastPath(req, res)) return;
    app(req, res);
  };
}
