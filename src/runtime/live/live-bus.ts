import { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LiveEvent, LivePublisher } from '../../core/ports.js';

// Live updates cross processes: the worker that processed a message is rarely the server holding the lawyer's SSE
// connection. Two forms, like the queue: Redis pub/sub, or PostgreSQL LISTEN/NOTIFY in the embedded default.

export interface LiveBus extends LivePublisher {
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

const liveEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.created'), firmId: z.string(), conversationId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('message.processed'), firmId: z.string(), conversationId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('message.status'), firmId: z.string(), conversationId: z.string(), messageId: z.string(), status: z.string() }),
  z.object({ type: z.literal('conversation.updated'), firmId: z.string(), conversationId: z.string(), change: z.string() }),
]);

export interface CreateLiveBusOptions {
  kind: 'redis' | 'postgres';
  prefix: string;
  redisUrl?: string;
  databaseUrl?: string;
  logger: Logger;
}

export function createLiveBus(options: CreateLiveBusOptions): LiveBus {
  const listeners = new Set<(event: LiveEvent) => void>();
  const deliver = (raw: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    // One event, or a commit's events together (publishAll).
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
      const event = liveEventSchema.safeParse(item);
      if (!event.success) continue;
      for (const listener of listeners) listener(event.data);
    }
  };
  const channel = `${options.prefix}_live`;
  const transport = options.kind === 'redis' ? redisTransport(options, channel, deliver) : postgresTransport(options, channel, deliver);
  return {
    publish: (event) => transport.publish(JSON.stringify(event)),
    // PostgreSQL's NOTIFY takes at most 8,000 bytes: events go in groups that stay well under it (an event is ~150).
    publishAll: async (events) => {
      const groupSize = options.kind === 'redis' ? 500 : 40;
      // One after another: PostgreSQL's pool has two connections, and events must arrive in their order.
      for (let from = 0; from < events.length; from += groupSize) await transport.publish(JSON.stringify(events.slice(from, from + groupSize)));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await transport.close();
    },
  };
}

interface Transport {
  publish(payload: string): Promise<void>;
  close(): Promise<void>;
}

function redisTransport(options: CreateLiveBusOptions, channel: string, deliver: (raw: string) => void): Transport {
  const url = options.redisUrl ?? 'redis://127.0.0.1:6379';
  // Publishes issued in one tick (a capture batch's events) go out in one write.
  const publisher = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  publisher.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => deliver(message));
  subscriber.subscribe(channel).catch((error: unknown) => options.logger.warn({ err: error }, 'live updates: subscribe failed'));
  return {
    async publish(payload) {
      await publisher.publish(channel, payload);
    },
    async close() {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

function postgresTransport(options: CreateLiveBusOptions, channel: string, deliver: (raw: string) => void): Transport {
  if (!options.databaseUrl) throw new Error('live updates on PostgreSQL need a database URL');
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2, application_name: 'matterline-live' });
  pool.on('error', () => undefined);
  let listener: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const scheduleRetry = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      listen().catch(scheduleRetry);
    }, 1000);
    retry.unref();
  };
  const listen = async () => {
    const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'matterline-live-listen' });
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload) deliver(message.payload);
    });
    // A lost LISTEN connection (database restart, proxy cut) is replaced; events in between are missed, and the
    // inbox reloads from the record when it reconnects.
    client.on('error', () => {
      listener = undefined;
      client.end().catch(() => undefined);
      scheduleRetry();
    });
    await client.connect();
    await client.query(`LISTEN "${channel}"`);
    listener = client;
  };
  listen().catch((error: unknown) => {
    options.logger.warn({ err: error }, 'live updates: LISTEN failed; retrying');
    scheduleRetry();
  });
  return {
    async publish(payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await listener?.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
