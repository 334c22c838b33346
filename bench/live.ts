import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { phaseRequests } from './capture.js';
import type { BenchConfig } from './support/bench-config.js';
import { scaled } from './support/bench-config.js';
import { isLawyersClient, knownClients, whatsapp } from './support/bench-database.js';
import { HttpClient, openLoop } from './support/http-load.js';
import type { MatterlinePair } from './support/matterline-pair.js';
import { signIn, waitForDrain } from './support/matterline-pair.js';
import { percentile } from './support/stats.js';

// The live inbox: lawyer@demo.test has GET /api/events open while her clients text at 200 msg/s; each latency runs
// from the webhook's 2xx (the message is in the record) to the SSE event reaching her. The event is pushed by the
// worker process once it has processed the message, so the figure includes the queue and the processing.

export interface LiveFigures {
  rate: number;
  messages: number;
  received: number;
  p50: number;
  p99: number;
  max: number;
  /** Events that arrived before the webhook's answer did (the worker beat the HTTP response). */
  beforeAnswer: number;
}

interface SseStream {
  events: Map<string, number>;
  close(): void;
}

function openEvents(url: string, cookie: string): Promise<SseStream> {
  const events = new Map<string, number>();
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/events`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /api/events answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.includes('event: message.created')) continue;
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (!data) continue;
          const { messageId } = JSON.parse(data) as { messageId: string };
          if (!events.has(messageId)) events.set(messageId, at);
        }
      });
      res.on('error', () => undefined);
      resolve({ events, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

export async function runLive(options: { config: BenchConfig; pair: MatterlinePair; log(line: string): void }): Promise<LiveFigures> {
  const { config, pair } = options;
  const rate = 200;
  const count = rate * scaled(config, 20, 3);
  const lawyer = await signIn(pair.url, 'lawyer@demo.test');
  const stream = await openEvents(pair.url, lawyer.cookie);
  const client = new HttpClient(pair.url);
  const lawyersClients = Array.from({ length: knownClients }, (_, index) => index).filter(isLawyersClient);
  const { requests, providerIds } = phaseRequests(40, count, { senders: (i) => lawyersClients[(i * 13) % lawyersClients.length]!, freshEvery: 0 });
  const answeredAt = new Map<number, number>();
  try {
    options.log(`live: ${count} messages at ${rate} msg/s with an SSE client open`);
    await openLoop({
      client,
      rate,
      count,
      request: (i) => requests[i]!,
      onReply: (index, reply, at) => {
        if (reply && reply.status >= 200 && reply.status < 300) answeredAt.set(index, at);
      },
    });
    await waitForDrain(pair.pool);
    const rows = await pair.pool.query<{ id: string; providerMessageId: string }>(
      `SELECT id, "providerMessageId" FROM "Message" WHERE "accountId" = $1 AND "providerMessageId" = ANY($2::text[])`,
      [whatsapp.accountId, providerIds],
    );
    const indexOf = new Map(providerIds.map((id, index) => [id, index]));
    // Events still on their way after the worker finished get a few seconds more.
    const deadline = Date.now() + 10_000;
    while (stream.events.size < rows.rowCount! && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const latencies: number[] = [];
    for (const row of rows.rows) {
      const answered = answeredAt.get(indexOf.get(row.providerMessageId)!);
      const event = stream.events.get(row.id);
      if (answered !== undefined && event !== undefined) latencies.push(event - answered);
    }
    return {
      rate,
      messages: count,
      received: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
      beforeAnswer: latencies.filter((latency) => latency < 0).length,
    };
  } finally {
    stream.close();
    client.close();
  }
}
