import { Router } from 'express';
import type pg from 'pg';
import { visibleConversationIds } from '../../core/access/can-access-conversation.js';
import type { LiveEvent } from '../../core/ports.js';
import { requireSession, requireViewer } from '../auth/request-session.js';
import { SessionWatch } from './session-watch.js';

export interface LiveSource {
  subscribe(listener: (event: LiveEvent) => void): () => void;
}

const accessTtlMs = 10_000;
const heartbeatMs = 25_000;
const maxCachedConversations = 10_000;

/**
 * `GET /api/events`: Server-Sent Events of new messages and status changes, only of conversations the signed-in
 * person may see (checked through the same access function as every other read, cached for a few seconds). Events
 * are written in the order they arrived. A client that reconnects reloads from the record: nothing is replayed.
 */
export function liveRoutes(options: { pool: pg.Pool; source: LiveSource; sessionCheckMs?: number }): Router {
  const router = Router();
  // Sign-out, a disabled user, a password reset or an expiry ends the streams of that session within a check.
  const sessions = new SessionWatch(options.pool, options.sessionCheckMs);
  router.get('/api/events', (req, res) => {
    const viewer = requireViewer(req);
    const session = requireSession(req);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const access = new Map<string, { allowed: boolean; at: number }>();
    const queued: LiveEvent[] = [];
    let open = true;
    let draining = false;
    // Events are checked in batches: whatever arrived while the last check ran is checked with one query, so a
    // burst of messages in many conversations cannot queue up behind one access query each.
    const drain = async () => {
      if (draining) return;
      draining = true;
      try {
        while (open && queued.length > 0) {
          const batch = queued.splice(0, queued.length);
          const now = Date.now();
          if (access.size > maxCachedConversations) access.clear();
          // A conversation that changed itself (filed under a matter, say) is checked again: it may have just
          // become visible, and the person should see it at once.
          for (const event of batch) if (event.type === 'conversation.updated') access.delete(event.conversationId);
          const unknown = [...new Set(batch.map((event) => event.conversationId))].filter((id) => {
            const known = access.get(id);
            return !known || now - known.at >= accessTtlMs;
          });
          if (unknown.length > 0) {
            const visible = await visibleConversationIds(options.pool, viewer, unknown);
            for (const id of unknown) access.set(id, { allowed: visible.has(id), at: now });
          }
          const out = batch
            .filter((event) => access.get(event.conversationId)?.allowed)
            .map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
            .join('');
          if (open && out) res.write(out);
        }
      } catch {
        // Best effort: a client that missed events reloads from the record when it reconnects.
        queued.length = 0;
      } finally {
        draining = false;
      }
    };
    const unsubscribe = options.source.subscribe((event) => {
      if (event.firmId !== viewer.firmId) return;
      queued.push(event);
      void drain();
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    let unwatch = () => undefined as void;
    const end = () => {
      if (!open) return;
      open = false;
      unsubscribe();
      unwatch();
      clearInterval(heartbeat);
    };
    unwatch = sessions.watch(session.sessionId, () => {
      // The client's EventSource reconnects, gets 401, and the page sends the person to sign in.
      if (open) res.write('event: session.ended\ndata: {}\n\n');
      end();
      res.end();
    });
    req.on('close', end);
  });
  return router;
}
