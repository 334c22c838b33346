import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, uniquePrefix } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { signedIn } from './auth-test-client.js';

interface LiveMessage {
  event: string;
  data: { type: string; conversationId: string; messageId: string; status?: string };
}

/** Reads an SSE stream into a list as events arrive. */
async function openStream(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  const received: LiveMessage[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) received.push({ event, data: JSON.parse(data) as LiveMessage['data'] });
      }
    }
  })();
  return { status: response.status, received, close: async () => { controller.abort(); await pump; } };
}

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

// A new client message reaches the signed-in lawyer's open inbox live, across processes (the message is captured by
// one server and processed by a separate worker), on both forms of the channel; never a conversation she may not see.
describe.each(['redis', 'postgres'] as const)('live updates over %s', (queue) => {
  let database: TestDatabase;
  let server: RunningMatterline;
  let worker: RunningMatterline;

  beforeAll(async () => {
    database = await createTestDatabase();
    const prefix = uniquePrefix();
    server = await startTestMatterline({ databaseUrl: database.url, queue, prefix, role: 'server' });
    worker = await startTestMatterline({ databaseUrl: database.url, queue, prefix, role: 'worker' });
  });
  afterAll(async () => {
    await server?.stop();
    await worker?.stop();
    await database?.drop();
  });

  it('pushes new messages and receipts of her matters, and nothing of others', async () => {
    const lawyer = await signedIn(server.url!, 'lawyer@demo.test');
    const stream = await openStream(`${server.url}/api/events`, lawyer.cookie!);
    expect(stream.status).toBe(200);
    try {
      const post = async (from: string, text: string) => {
        const response = await fetch(`${server.url}/api/simulator/demo/inbound`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from, text, sentAt: '2026-11-18T15:00:00Z' }),
        });
        return ((await response.json()) as { id: string; conversationId: string });
      };
      // lawyer2's client first: she must never hear of it.
      const other = await post('+15550100002', 'for lawyer2 only');
      const mine = await post('+15550100001', 'Any news?');
      await until(() => stream.received.some((m) => m.data.messageId === mine.id), 'the new message event');
      const created = stream.received.find((m) => m.data.messageId === mine.id)!;
      expect(created).toMatchObject({ event: 'message.created', data: { conversationId: mine.conversationId } });
      expect(stream.received.some((m) => m.data.conversationId === other.conversationId)).toBe(false);
      // Then, once the worker has processed it (consent, hours, automated answers), the thread's gates are refreshed.
      await until(() => stream.received.some((m) => m.event === 'message.processed' && m.data.messageId === mine.id), 'the processed event');
      const order = stream.received.filter((m) => m.data.messageId === mine.id).map((m) => m.event);
      expect(order).toEqual(['message.created', 'message.processed']);

      const reply = await lawyer.post<{ id: string }>(`/api/conversations/${mine.conversationId}/messages`, { text: 'Yes: the hearing is set.' });
      expect(reply.status).toBe(202);
      await until(
        () => stream.received.some((m) => m.event === 'message.status' && m.data.status === 'read' && m.data.conversationId === mine.conversationId),
        'the read receipt event',
      );
      const statuses = stream.received.filter((m) => m.event === 'message.status' && m.data.conversationId === mine.conversationId).map((m) => m.data.status);
      expect(statuses).toEqual(['sent', 'delivered', 'read']);
    } finally {
      await stream.close();
    }
  });

  it('checks a burst over many conversations together: every message of hers arrives, none of anyone else', async () => {
    const lawyer = await signedIn(server.url!, 'lawyer@demo.test');
    const stream = await openStream(`${server.url}/api/events`, lawyer.cookie!);
    try {
      const post = async (from: string, text: string) => {
        const response = await fetch(`${server.url}/api/simulator/demo/inbound`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from, text }),
        });
        return (await response.json()) as { id: string; conversationId: string };
      };
      // Her client, lawyer2's client and 15 new numbers (triage, which a lawyer does not see), all at once.
      const senders = Array.from({ length: 45 }, (_, i) =>
        i % 3 === 0 ? '+15550100001' : i % 3 === 1 ? '+15550100002' : `+1555077${String(i).padStart(4, '0')}`,
      );
      const posted = await Promise.all(senders.map((from, i) => post(from, `burst ${queue} ${i}`)));
      const mine = posted.filter((_, i) => i % 3 === 0);
      const others = new Set(posted.filter((_, i) => i % 3 !== 0).map((message) => message.conversationId));
      await until(
        () => mine.every((message) => stream.received.some((m) => m.event === 'message.created' && m.data.messageId === message.id)),
        'every message of hers',
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stream.received.filter((m) => others.has(m.data.conversationId))).toEqual([]);
      const created = stream.received.filter((m) => m.event === 'message.created' && mine.some((message) => message.id === m.data.messageId));
      expect(created).toHaveLength(mine.length);
    } finally {
      await stream.close();
    }
  });

  it('refuses the stream without a session', async () => {
    const response = await fetch(`${server.url}/api/events`);
    expect(response.status).toBe(401);
  });
});
