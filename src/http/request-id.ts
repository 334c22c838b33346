import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request's id: the caller's X-Request-Id when it is a plain token, else a new one; echoed in the answer. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * What a log line says of a request. Never a message body, phone number or secret: only the id, the method and the
 * path, with anything that looks like a phone number masked.
 */
export function requestLogged(req: { id: string | number | object; method?: string; url?: string }) {
  return { id: req.id, method: req.method, path: (req.url ?? '').split('?')[0]?.replace(/\+?\d{6,}/g, '[number]') };
}
