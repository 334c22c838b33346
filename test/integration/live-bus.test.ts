import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../src/core/ports.js';
import { publishLive } from '../../src/core/ports.js';
import { createLiveBus } from '../../src/runtime/live/live-bus.js';
import { uniquePrefix } from '../support/matterline.js';
import { createTestDatabase } from '../support/test-database.js';

// A commit's events cross processes together (one Redis PUBLISH, or NOTIFYs under PostgreSQL's 8,000-byte limit) and
// arrive one by one, in order, on every other bus; a single event still goes alone.
describe.each(['redis', 'postgres'] as const)('the live bus on %s', (kind) => {
  it('delivers a commit of 300 events, in order, to another process\'s bus, and single events as before', async () => {
    const database = kind === 'postgres' ? await createTestDatabase() : undefined;
    const options = { kind, prefix: uniquePrefix(), redisUrl: 'redis://127.0.0.1:6379', ...(database ? { databaseUrl: database.url } : {}), logger: pino({ level: 'silent' }) };
    const publisher = createLiveBus(options);
    const receiver = createLiveBus(options);
    const received: LiveEvent[] = [];
    receiver.subscribe((event) => received.push(event));
    try {
      const events: LiveEvent[] = Array.from({ length: 300 }, (_, i) => ({ type: 'message.processed', firmId: 'f', conversationId: `c${i % 7}`, messageId: `m${i}` }));
      // The listeners need a moment to be subscribed: a first event, repeated until it arrives.
      const deadline = Date.now() + 10_000;
      while (received.length === 0 && Date.now() < deadline) {
        // (Redis refuses a publish until its connection is up: that is one more try.)
        await publisher.publish({ type: 'conversation.updated', firmId: 'f', conversationId: 'c0', change: 'ready' }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      received.length = 0;
      await publishLive(publisher, events);
      await publishLive(publisher, [{ type: 'message.created', firmId: 'f', conversationId: 'c1', messageId: 'alone' }]);
      while (received.length < 301 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const processed = received.filter((event) => event.type === 'message.processed');
      expect(processed.map((event) => (event as { messageId: string }).messageId)).toEqual(events.map((event) => (event as { messageId: string }).messageId));
      expect(received.filter((event) => event.type === 'message.created')).toEqual([{ type: 'message.created', firmId: 'f', conversationId: 'c1', messageId: 'alone' }]);
    } finally {
      await publisher.close();
      await receiver.close();
      await database?.drop();
    }
  });
});
