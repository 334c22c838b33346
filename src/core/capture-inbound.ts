import { normalizeMimeType } from './blobs/mime-type.js';
import type pg from 'pg';
import type { Database } from '../db/prisma.js';
import type { StoredBlob } from './blobs/blob-store.js';
import { storeBlob } from './blobs/blob-store.js';
import type { Keyring } from './crypto/secret-box.js';
import { AppError } from './errors.js';
import type { MessageEvent } from './events.js';
import type { MessageId } from './ids.js';
import { asMessageId } from './ids.js';
import { newId } from './new-id.js';
import { mediaJob, outboxJob } from './outbox.js';
import type { OutboxJob, WorkDispatcher } from './ports.js';
import { isStatementError, withTransaction } from './transaction.js';

export interface CaptureInboundOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  event: MessageEvent;
  /** Told when queueing after commit failed; the sweeper will queue the job later. */
  onDispatchError?: (error: unknown) => void;
  /** Encrypts media bytes handed over with the event; without it they are fetched later like any other media. */
  keyring?: Keyring;
}

export type CaptureResult =
  | { duplicate: false; messageId: MessageId; conversationId: string; firmId: string }
  | { duplicate: true; messageId: MessageId; conversationId: string; firmId: string };

/** One event's capture as committed: its result and the jobs (processing, media fetches) to queue now. */
export type StoredCapture = CaptureResult & { jobs: OutboxJob[] };

/** What became of each event of a batch, in the batch's order. */
export type CaptureOutcome = { ok: true; value: StoredCapture } | { ok: false; error: unknown };

/**
 * Captures one message (inbound, or sent from the firm's own phone) into the record: contact identity, conversation,
 * message, attachments and an outbox row, committed together. Idempotent on (account, provider message id): a
 * redelivery returns the stored message and queues nothing. Only after commit is the processing job queued, so
 * nothing ever acts on a message that is not stored.
 */
export async function captureInbound(options: CaptureInboundOptions): Promise<CaptureResult> {
  const [outcome] = await storeCaptures(options.db, [options.event], options.keyring);
  if (!outcome) throw new AppError('internal', 'capture returned no outcome');
  if (!outcome.ok) throw outcome.error;
  const { jobs, ...result } = outcome.value;
  if (jobs.length > 0) {
    await options.dispatcher.dispatch(jobs).catch((error: unknown) => options.onDispatchError?.(error));
  }
  return result;
}

/**
 * Stores a batch of events with one statement and one commit (matterline_capture_messages, migration
 * capture_batch), in the batch's order. Should the batch fail as a whole, each event is stored on its own, so the
 * outcome of one bad event is its own error and the others are still captured. Queues nothing: the caller
 * dispatches the returned jobs after this resolves.
 */
export async function storeCaptures(
  db: Database,
  events: readonly MessageEvent[],
  keyring?: Keyring,
): Promise<CaptureOutcome[]> {
  try {
    return await storeTogether(db.pool, events, keyring);
  } catch (error) {
    // The database unreachable or going away fails every event alike: no use trying them one by one.
    if (events.length === 1 || !(error instanceof AppError || isStatementError(error))) return events.map(() => ({ ok: false as const, error }));
    const outcomes: CaptureOutcome[] = [];
    for (const event of events) {
      outcomes.push(
        await storeTogether(db.pool, [event], keyring).then(
          (single) => single[0] ?? { ok: false as const, error: new AppError('internal', 'capture returned no outcome') },
          (failure: unknown) => ({ ok: false as const, error: failure }),
        ),
      );
    }
    return outcomes;
  }
}

interface PreparedMedia {
  id: string;
  fileName: string | null;
  mimeType: string;
  size: number | null;
  sha256: string | null;
  providerMediaId: string | null;
  sourceUrl: string | null;
  blobKey: string | null;
  keyId: string | null;
  state: 'stored' | 'pending' | 'failed';
  error: string | null;
}

interface CaptureRow {
  idx: number;
  message_id: string | null;
  conversation_id: string | null;
  firm_id: string | null;
  duplicate: boolean;
  problem: string | null;
}

async function storeTogether(pool: pg.Pool, events: readonly MessageEvent[], keyring: Keyring | undefined): Promise<CaptureOutcome[]> {
  const withBytes = keyring !== undefined && events.some((event) => event.media?.some((media) => media.data !== undefined));
  const run = async (client: pg.ClientBase | pg.Pool) => {
    const blobs = withBytes && keyring ? await storeEventBlobs(client, keyring, events) : new Map<Buffer, StoredBlob>();
    const prepared = events.map((event) => prepare(event, blobs));
    const result = await client.query<CaptureRow>(`SELECT * FROM matterline_capture_messages($1::jsonb)`, [
      JSON.stringify(prepared.map((entry) => entry.row)),
    ]);
    return result.rows.map((row): CaptureOutcome => {
      const entry = prepared[row.idx];
      if (!entry) return { ok: false, error: new AppError('internal', `capture answered for event ${row.idx} of ${prepared.length}`) };
      if (row.problem === 'unknown_account' || !row.message_id || !row.conversation_id || !row.firm_id) {
        const accountId = entry.event.accountId;
        return { ok: false, error: new AppError('not_found', `unknown channel account ${accountId}`, { accountId }) };
      }
      const jobs = row.duplicate
        ? []
        : [outboxJob('inbound', row.message_id), ...entry.media.filter((media) => media.state === 'pending').map((media) => mediaJob(media.id))];
      return {
        ok: true,
        value: {
          duplicate: row.duplicate,
          messageId: asMessageId(row.message_id),
          conversationId: row.conversation_id,
          firmId: row.firm_id,
          jobs,
        },
      };
    });
  };
  // Without media bytes the function call is the whole transaction; with them, the blobs commit alongside it.
  return withBytes ? withTransaction(pool, run) : run(pool);
}

/** Media bytes handed over with the events, encrypted into the blob store (content-addressed: a repeat is a no-op). */
async function storeEventBlobs(
  client: pg.ClientBase | pg.Pool,
  keyring: Keyring,
  events: readonly MessageEvent[],
): Promise<Map<Buffer, StoredBlob>> {
  const stored = new Map<Buffer, StoredBlob>();
  for (const event of events) {
    for (const media of event.media ?? []) {
      if (media.data && !stored.has(media.data)) stored.set(media.data, await storeBlob(client, keyring, media.data));
    }
  }
  return stored;
}

function sentAtMs(event: MessageEvent): number {
  const ms = event.sentAt.getTime();
  if (Number.isNaN(ms)) throw new AppError('bad_request', `message ${event.providerMessageId} has no valid time`);
  return ms;
}

/** The event as matterline_capture_messages takes it, with the ids a new row would get. */
function prepare(event: MessageEvent, blobs: Map<Buffer, StoredBlob>) {
  const media = (event.media ?? []).map((item): PreparedMedia => {
    const stored = item.data ? blobs.get(item.data) : undefined;
    // Media the provider only points at gets a fetch job, so the record keeps its own copy before the link expires.
    const fetchable = !stored && (item.url !== undefined || item.providerMediaId !== undefined);
    return {
      id: newId(),
      fileName: item.fileName ?? null,
      mimeType: normalizeMimeType(item.mimeType),
      size: stored?.size ?? item.size ?? item.data?.length ?? null,
      sha256: stored?.sha256 ?? item.sha256 ?? null,
      providerMediaId: item.providerMediaId ?? null,
      sourceUrl: item.url ?? null,
      blobKey: stored?.sha256 ?? null,
      keyId: stored?.keyId ?? null,
      state: stored ? 'stored' : fetchable ? 'pending' : 'failed',
      error: stored || fetchable ? null : 'the channel gave no way to fetch this media',
    };
  });
  const row = {
    accountId: event.accountId,
    providerMessageId: event.providerMessageId,
    direction: event.direction,
    messageKind: event.messageKind,
    chatExternalId: event.chat.externalId,
    chatKind: event.chat.kind,
    chatTitle: event.chat.title ?? null,
    contact: event.contact
      ? { address: event.contact.address, aliases: event.contact.aliases ?? [], name: event.contact.name ?? null }
      : null,
    text: event.text ?? null,
    // Epoch milliseconds: years past 9999 have no ISO form PostgreSQL reads, but are valid timestamps.
    sentAtMs: sentAtMs(event),
    backfilled: event.backfilled ?? false,
    replyToProviderId: event.replyToProviderId ?? null,
    relatesToProviderId: event.relatesToProviderId ?? null,
    raw: event.raw ?? null,
    messageId: newId(),
    identityId: newId(),
    conversationId: newId(),
    media,
  };
  return { event, row, media };
}
