import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { z } from 'zod';
import { captureWithRetry } from '../src/bridges/socket/capture-with-retry.js';
import { ChatQueue } from '../src/bridges/socket/chat-queue.js';
import type { MessageEvent } from '../src/core/bridge-events.js';
import { asAccountId, asProviderMessageId } from '../src/core/ids.js';
import { createCaptureBatcher } from '../src/core/capture-batcher.js';
import { recordBridgeEvent } from '../src/core/record-bridge-event.js';
import { openDatabase } from '../src/db/prisma.js';
import { createJobDispatcher } from '../src/jobs/job-dispatcher.js';
import { createQueueBackend } from '../src/jobs/queue-backend.js';
import { readMemory } from './support/processes.js';
import { clientText } from './support/whatsapp-payload.js';

// One process doing what a socket bridge (Baileys) does when a newly linked phone syncs its history: batches of
// messages, each batch ordered by time, captured one chat after another and chats in parallel (ChatQueue), every
// message through recordBridgeEvent and the capture batcher (as in the server) with its job queued after commit. Run by bench/history.ts as a
// process of its own so that its peak memory is the capture's alone. Prints its figures as one JSON line.

const argsSchema = z.object({
  databaseUrl: z.string(),
  redisUrl: z.string(),
  prefix: z.string(),
  accountId: z.string(),
  count: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  chats: z.number().int().positive(),
  poolSize: z.number().int().positive(),
});
const args = argsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

const logger = pino({ level: 'silent' });
const db = openDatabase({ url: args.databaseUrl, max: args.poolSize, applicationName: 'matterline-bench-history' });
const backend = createQueueBackend({ kind: 'redis', prefix: args.prefix, redisUrl: args.redisUrl });
const dispatcher = createJobDispatcher({ backend });
const queue = new ChatQueue();
const abort = new AbortController();
const accountId = asAccountId(args.accountId);
// The server's composition: captures that are waiting while a commit runs share the next one (group commit).
const batcher = createCaptureBatcher({ db, dispatcher, onDispatchError: () => undefined });
const emit = (event: MessageEvent) => recordBridgeEvent({ db, dispatcher, event, onDispatchError: () => undefined, batcher });

const yearsBack = Date.now() - 3 * 365 * 24 * 3600 * 1000;
const step = (3 * 365 * 24 * 3600 * 1000) / args.count;

/** Message i of the history: a chat, a direction (seven in ten from the client), a time in the last three years. */
function historical(i: number): MessageEvent {
  const chat = (i * 7919) % args.chats;
  const address = `+1666${String(chat).padStart(7, '0')}`;
  const inbound = i % 10 < 7;
  const text = clientText(i);
  const id = `HIST${String(i).padStart(8, '0')}`;
  const sentAt = new Date(yearsBack + i * step);
  return {
    kind: 'message',
    accountId,
    providerMessageId: asProviderMessageId(id),
    direction: inbound ? 'inbound' : 'outbound',
    chat: { externalId: address, kind: 'direct' },
    contact: { address, name: `History Contact ${chat}` },
    messageKind: 'text',
    text,
    sentAt,
    backfilled: true,
    raw: {
      baileys: {
        key: { remoteJid: `${address.slice(1)}@s.whatsapp.net`, fromMe: !inbound, id },
        message: { conversation: text },
        messageTimestamp: Math.floor(sentAt.getTime() / 1000),
      },
    },
  };
}

const rssBefore = readMemory(process.pid)?.rss ?? 0;
const started = performance.now();
for (let from = 0; from < args.count; from += args.batchSize) {
  const batch = Array.from({ length: Math.min(args.batchSize, args.count - from) }, (_, k) => historical(from + k));
  batch.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  await Promise.all(
    batch.map((event) => queue.run(event.chat.externalId, () => captureWithRetry({ emit, event, logger, signal: abort.signal }))),
  );
}
const elapsedMs = performance.now() - started;
await batcher.drain();
const stored = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Message" WHERE "accountId" = $1`, [args.accountId]);
const memory = readMemory(process.pid);
process.stdout.write(`${JSON.stringify({ count: args.count, stored: stored.rows[0]!.n, elapsedMs, rssBefore, peakRss: memory?.peak ?? 0 })}\n`);
await backend.close();
await db.close();
