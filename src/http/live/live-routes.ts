import { Router } from 'express';
import type pg from 'pg';
import { canAccessConversation } from '../../core/access/can-access-conversation.js';
import type { LiveEvent } from '../../core/ports.js';
import { requireViewer } from '../auth/request-session.js';

export interface LiveSource {
  subscribe(listener: (event: LiveEvent) => void): () => void;
}

const accessTtlMs = 10_000;
const heartbeatMs = 25_000;

/**
 * `GET /api/events`: Server-Sent Events of new messages and status changes, only of conversations the signed-in
 * person may see (checked through the same access function as every other read, cached for a few seconds). Events
 * are written in the order they arrived. A client that reconnects reloads from the record: nothing is replayed.
 */
export function liveRoutes(options: { pool: pg.Pool; source: LiveSource }): Router {
  const router = Router();
  router.get('/api/events', (req, res) => {
    const viewer = requireViewer(req);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const access = new Map<string, { allowed: boolean; at: number }>();
    const maySee = async (conversationId: string) => {
      const known = access.get(conversationId);
      if (known && Date.now() - known.at < accessTtlMs) return known.allowed;
      const allowed = await canAccessConversation(options.pool, viewer, conversationId);
      access.set(conversationId, { allowed, at: Date.now() });
      return allowed;
    };
    let chain: Promise<void> = Promise.resolve();
    let open = true;
    const unsubscribe = options.source.subscribe((event) => {
      if (event.firmId !== viewer.firmId) return;
      chain = chain
        .then(async () => {
          if (open && (await maySee(event.conversationId))) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        })
        .catch(() => undefined);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    req.on('close', () => {
      open = false;
      unsubscribe();
      clearInterval(heartbeat);
    });
  });
  return router;
}
