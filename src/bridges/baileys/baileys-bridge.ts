import { createHash } from 'node:crypto';
import type { AnyMessageContent, BaileysEventMap, ConnectionState, WAMessage, WAMessageKey, WAMessageUpdate, MessageUserReceiptUpdate } from '@whiskeysockets/baileys';
import { BufferJSON, DisconnectReason, proto } from '@whiskeysockets/baileys';
import type pg from 'pg';
import type { CredentialStore } from '../../core/credentials/credential-store.js';
import { AppError } from '../../core/errors.js';
import type { ContactRef, ReceiptEvent, ReceiptStatus } from '../../core/events.js';
import { asAccountId, asProviderMessageId } from '../../core/ids.js';
import type { Bridge, BridgeContext, OutboundFileData, OutboundMessage } from '../bridge.js';
import { fileKindOf } from '../../core/channel-rules/media-limits.js';
import { AccountStateReporter } from '../socket/account-state-reporter.js';
import { backoffDelayMs, sleep } from '../socket/backoff.js';
import { captureWithRetry } from '../socket/capture-with-retry.js';
import { ChatQueue } from '../socket/chat-queue.js';
import { addressOf, knownAddress, lidOfJid, phoneOfJid } from '../socket/whatsapp-address.js';
import type { BaileysMediaRef } from './baileys-media-ref.js';
import type { StoredAuthState } from './baileys-auth-state.js';
import { loadBaileysAuthState } from './baileys-auth-state.js';
import { baileysConfigSchema, baileysDefaults } from './baileys-config.js';
import type { BaileysSocketLike, BaileysSocketMaker } from './baileys-socket.js';
import { dateOf, normalizeBaileysMessage, rawOf } from './normalize-baileys.js';

export interface BaileysBridgeOptions {
  credentials: CredentialStore;
  pool: pg.Pool;
  makeSocket: BaileysSocketMaker;
  random?: () => number;
}

const statusOfAck: Partial<Record<number, ReceiptStatus>> = {
  [proto.WebMessageInfo.Status.ERROR]: 'failed',
  [proto.WebMessageInfo.Status.DELIVERY_ACK]: 'delivered',
  [proto.WebMessageInfo.Status.READ]: 'read',
  [proto.WebMessageInfo.Status.PLAYED]: 'read',
};

/**
 * WhatsApp through Baileys 7 (the WhatsApp Web protocol, a linked device of the firm's phone). Every message Baileys
 * hands over is captured inside the event handler before it returns, in order per chat; the session lives in the
 * core's encrypted credential store; the connection is kept up with capped, jittered backoff until WhatsApp says the
 * device was logged out (or banned), which needs a person.
 */
export class BaileysBridge implements Bridge {
  readonly kind = 'baileys' as const;
  // A resend uses the same WhatsApp message id (derived from ours), but WhatsApp does not promise to drop the copy.
  readonly capabilities = { media: true, receipts: true, idempotentSends: false, edits: true };
  private readonly parsed: ReturnType<typeof baileysConfigSchema.safeParse>;
  private readonly state: AccountStateReporter;
  private readonly queue = new ChatQueue();
  private readonly abort = new AbortController();
  /** LID -> phone-number JID, learnt from Baileys' mapping events and from keys that carry both forms. */
  private readonly lidToPhone = new Map<string, string>();
  private auth: StoredAuthState | null = null;
  private socket: BaileysSocketLike | null = null;
  private unsubscribe: (() => void) | null = null;
  private attempt = 0;

  constructor(
    private readonly context: BridgeContext,
    private readonly options: BaileysBridgeOptions,
  ) {
    this.parsed = baileysConfigSchema.safeParse(context.config);
    this.state = new AccountStateReporter({
      context,
      logger: context.logger,
      silentAfterMs: this.parsed.data?.silentAfterMs ?? baileysDefaults.silentAfterMs,
    });
  }

  async start(): Promise<void> {
    if (!this.parsed.success) {
      const reason = this.parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ');
      await this.state.report('needs_attention', reason);
      throw new AppError('bad_request', `the WhatsApp (Baileys) account cannot work: ${reason}`, { accountId: this.context.accountId });
    }
    await this.connect();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.state.stop();
    this.detach()?.end(undefined);
    await this.queue.idle();
  }

  /**
   * What this account sent under a key, from the record, for WhatsApp's retry requests: the content the phone
   * captured (raw), or the text Matterline sent. Undefined for anything else (WhatsApp then tells the recipient the
   * message is unavailable).
   */
  async sentMessage(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    if (!key.id) return undefined;
    const found = await this.options.pool.query<{ text: string | null; raw: { message?: Record<string, unknown> } | null }>(
      `SELECT text, raw FROM "Message" WHERE "accountId" = $1 AND "providerMessageId" = $2 AND direction = 'outbound'`,
      [this.context.accountId, key.id],
    );
    const row = found.rows[0];
    if (!row) return undefined;
    if (row.raw?.message) return proto.Message.fromObject(JSON.parse(JSON.stringify(row.raw.message), BufferJSON.reviver) as Record<string, unknown>);
    return row.text !== null ? { conversation: row.text } : undefined;
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const files = message.files ?? [];
    if (files.length > 1) throw new AppError('bad_request', 'WhatsApp sends one file per message');
    if (!message.text && files.length === 0) throw new AppError('bad_request', 'a WhatsApp message needs text');
    const jid = jidOf(message.to);
    if (!jid) throw new AppError('bad_request', `"${message.to}" is not a WhatsApp number or JID`);
    const socket = this.socket;
    if (!socket || this.state.state !== 'connected') {
      throw new AppError('unavailable', `WhatsApp is not connected (${this.state.state ?? 'not started'}${this.state.reason ? `: ${this.state.reason}` : ''})`);
    }
    // The same id for every attempt of one message, so a retried send is recognisably the same message.
    const messageId = `3EB0${createHash('sha256').update(message.clientMessageId).digest('hex').slice(0, 18).toUpperCase()}`;
    try {
      const sent = await socket.sendMessage(jid, contentOf(message.text, files[0]), { messageId });
      return { providerMessageId: sent?.key.id ?? messageId };
    } catch (error) {
      const code = statusCodeOf(error);
      const text = (error as Error).message ?? String(error);
      if (code === 429 || /rate-overlimit/i.test(text)) {
        await this.state.report('rate_limited', `WhatsApp rate-limited sends: ${text}`);
        throw new AppError('rate_limited', `WhatsApp rate-limited the send: ${text}`, {}, { cause: error });
      }
      if (code === 400 || code === 406 || /not-acceptable|bad-request/i.test(text)) {
        throw new AppError('bad_request', `WhatsApp refused the message: ${text}`, {}, { cause: error });
      }
      throw new AppError('unavailable', `WhatsApp send failed: ${text}`, {}, { cause: error });
    }
  }

  /**
   * An expired file of a message this account received, uploaded again by the phone on request: the reference with
   * the new location. Needs the live connection (the request goes to the phone), so only the process holding the
   * account's lease can do it.
   */
  async reuploadMedia(ref: BaileysMediaRef): Promise<BaileysMediaRef> {
    const socket = this.socket;
    if (!socket?.updateMediaMessage || this.state.state !== 'connected') {
      throw new AppError('unavailable', 'the file expired on WhatsApp and the phone can be asked for it only while the account is connected');
    }
    if (!ref.message?.key.id) throw new AppError('bad_request', 'the file expired on WhatsApp and its message is not known: it cannot be asked for again');
    const content = {
      mediaKey: Buffer.from(ref.mediaKey, 'base64'),
      directPath: ref.directPath,
      url: ref.url,
      ...(ref.fileEncSha256 ? { fileEncSha256: Buffer.from(ref.fileEncSha256, 'base64') } : {}),
      ...(ref.fileSha256 ? { fileSha256: Buffer.from(ref.fileSha256, 'base64') } : {}),
    };
    const updated = await socket.updateMediaMessage({ key: ref.message.key, message: { [ref.message.field]: content } } as WAMessage).catch((error: unknown) => {
      throw new AppError('unavailable', `the phone did not upload the file again: ${(error as Error).message}`, {}, { cause: error });
    });
    const media = (updated.message as Record<string, { directPath?: string | null; url?: string | null } | undefined> | null | undefined)?.[ref.message.field];
    if (!media?.directPath && !media?.url) throw new AppError('unavailable', 'the phone answered without a new location for the file');
    return { ...ref, directPath: media.directPath ?? ref.directPath, url: media.url ?? ref.url };
  }

  private async connect(): Promise<void> {
    if (this.abort.signal.aborted) return;
    try {
      await this.state.report('connecting');
      this.auth ??= await loadBaileysAuthState(this.options.credentials);
      const socket = await this.options.makeSocket({
        auth: this.auth.state,
        logger: this.context.logger,
        config: this.parsed.data ?? {},
        getMessage: (key) => this.sentMessage(key),
      });
      if (this.abort.signal.aborted) return socket.end(undefined);
      this.socket = socket;
      this.unsubscribe = socket.ev.process((events) => this.onEvents(socket, events));
    } catch (error) {
      this.context.logger.error({ err: error }, 'could not open a WhatsApp connection');
      this.scheduleReconnect(`could not open a connection: ${(error as Error).message}`);
    }
  }

  private detach(): BaileysSocketLike | null {
    const socket = this.socket;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.socket = null;
    return socket;
  }

  private scheduleReconnect(reason: string, immediately = false): void {
    if (this.abort.signal.aborted) return;
    const delay = immediately
      ? 0
      : backoffDelayMs(this.attempt++, {
          baseMs: this.parsed.data?.reconnectBaseMs ?? baileysDefaults.reconnectBaseMs,
          maxMs: this.parsed.data?.reconnectMaxMs ?? baileysDefaults.reconnectMaxMs,
          ...(this.options.random ? { random: this.options.random } : {}),
        });
    void (async () => {
      if (!immediately) await this.state.report('disconnected', `${reason} (retrying in ${Math.round(delay / 1000)} s)`);
      if (await sleep(delay, this.abort.signal)) await this.connect();
    })();
  }

  /** One batch of Baileys events. Resolves only when every message in it is recorded (or the bridge stopped). */
  private async onEvents(socket: BaileysSocketLike, events: Partial<BaileysEventMap>): Promise<void> {
    if (socket !== this.socket) return;
    this.state.activity();
    const work: Promise<unknown>[] = [];
    try {
      const creds = events['creds.update'];
      if (creds && this.auth) {
        // Baileys' socket applies the update to the creds object itself; applying it here too keeps the store right
        // whichever listener runs first.
        Object.assign(this.auth.state.creds, creds);
        await this.auth.saveCreds();
      }
      if (events['lid-mapping.update']) this.learnMapping(events['lid-mapping.update']);
      const history = events['messaging-history.set'];
      if (history) {
        for (const mapping of history.lidPnMappings ?? []) this.learnMapping(mapping);
        work.push(...this.captureMessages(history.messages, true));
      }
      const upsert = events['messages.upsert'];
      // 'append' is what arrived while offline, or was replayed on reconnect: recorded, flagged, never acted on.
      if (upsert) work.push(...this.captureMessages(upsert.messages, upsert.type !== 'notify'));
      if (events['messages.update']) work.push(...this.captureUpdates(events['messages.update']));
      if (events['message-receipt.update']) work.push(...this.captureReceipts(events['message-receipt.update']));
    } catch (error) {
      this.context.logger.error({ err: error }, 'a batch of WhatsApp events could not be handled');
    }
    await Promise.all(work);
    if (events['connection.update']) await this.onConnection(socket, events['connection.update']);
  }

  private async onConnection(socket: BaileysSocketLike, update: Partial<ConnectionState>): Promise<void> {
    if (update.qr) {
      await this.state.report('linking', 'scan the QR code with WhatsApp on the firm’s phone (Settings > Linked devices)', update.qr);
    }
    if (update.connection === 'open') {
      this.attempt = 0;
      await this.state.report('connected');
      return;
    }
    if (update.connection !== 'close' || socket !== this.socket) return;
    this.detach();
    const code = statusCodeOf(update.lastDisconnect?.error);
    const message = update.lastDisconnect?.error?.message ?? 'connection closed';
    if (code === DisconnectReason.loggedOut) {
      // The phone unlinked this device: the keys are dead, and keeping them would only fail again. Never reconnect.
      await this.options.credentials.clear().catch((error: unknown) => this.context.logger.error({ err: error }, 'could not clear the dead session'));
      this.auth = null;
      await this.state.report('logged_out', 'WhatsApp logged this device out (unlinked on the phone): link it again with a new QR code');
      return;
    }
    if (code === DisconnectReason.forbidden) {
      await this.state.report('banned', `WhatsApp refused this number (${message}): a person must check the account on the phone`);
      return;
    }
    if (code === DisconnectReason.connectionReplaced) {
      await this.state.report('needs_attention', 'another WhatsApp Web session replaced this one: close it, then resume the account');
      return;
    }
    // After linking, WhatsApp asks for a fresh connection with the new creds at once.
    this.scheduleReconnect(`disconnected from WhatsApp: ${message}${code ? ` (${code})` : ''}`, code === DisconnectReason.restartRequired);
  }

  private captureMessages(messages: WAMessage[], backfilled: boolean): Promise<unknown>[] {
    const ordered = [...messages].sort((a, b) => dateOf(a.messageTimestamp).getTime() - dateOf(b.messageTimestamp).getTime());
    return ordered.map((message) =>
      this.queue.run(this.chatKey(message?.key?.remoteJid), async () => {
        let normalized;
        try {
          normalized = await normalizeBaileysMessage(message, {
            accountId: this.context.accountId,
            backfilled,
            resolvePerson: (jids) => this.resolvePerson(jids),
          });
        } catch (error) {
          this.context.logger.warn({ err: error, raw: rawOf(message) }, 'a WhatsApp message could not be read; ignored');
          return;
        }
        if ('skip' in normalized) return;
        await captureWithRetry({ emit: this.context.emit, event: normalized.event, logger: this.context.logger, signal: this.abort.signal });
      }),
    );
  }

  private captureUpdates(updates: WAMessageUpdate[]): Promise<unknown>[] {
    // Edits and revokes also arrive as messages.update, but their protocol message was already captured from the
    // upsert (with its own id and payload); only status changes of the firm's own messages are receipts.
    return updates.flatMap(({ key, update }) => {
      const status = typeof update?.status === 'number' ? statusOfAck[update.status] : undefined;
      if (!status || !key?.id || key.fromMe === false) return [];
      return [this.captureReceipt(key.remoteJid, { id: key.id, status, at: new Date(), raw: { key, update } })];
    });
  }

  private captureReceipts(receipts: MessageUserReceiptUpdate[]): Promise<unknown>[] {
    return receipts.flatMap(({ key, receipt }) => {
      if (!key?.id || key.fromMe === false || !receipt) return [];
      const readAt = receipt.readTimestamp ?? receipt.playedTimestamp;
      const at = readAt ?? receipt.receiptTimestamp;
      if (at === null || at === undefined) return [];
      return [this.captureReceipt(key.remoteJid, { id: key.id, status: readAt ? 'read' : 'delivered', at: dateOf(at), raw: { key, receipt } })];
    });
  }

  private captureReceipt(chat: string | null | undefined, receipt: { id: string; status: ReceiptStatus; at: Date; raw: unknown }): Promise<unknown> {
    const event: ReceiptEvent = {
      kind: 'receipt',
      accountId: asAccountId(this.context.accountId),
      providerMessageId: asProviderMessageId(receipt.id),
      status: receipt.status,
      at: receipt.at,
      raw: rawOf(receipt.raw),
    };
    return this.queue.run(this.chatKey(chat), () =>
      captureWithRetry({ emit: this.context.emit, event, logger: this.context.logger, signal: this.abort.signal }),
    );
  }

  private chatKey(jid: string | null | undefined): string {
    const lid = lidOfJid(jid);
    return (lid && this.lidToPhone.get(lid)) || jid || 'unknown';
  }

  private learnMapping(mapping: { lid?: string | null; pn?: string | null } | null | undefined): void {
    const lid = lidOfJid(mapping?.lid);
    if (lid && phoneOfJid(mapping?.pn)) this.lidToPhone.set(lid, mapping!.pn!);
  }

  /** The contact for the forms a message names one person by; the same identity whichever form comes first. */
  private async resolvePerson(jids: (string | null | undefined)[]): Promise<ContactRef | null> {
    const lid = jids.map(lidOfJid).find(Boolean);
    const phone = jids.find((jid) => phoneOfJid(jid));
    if (lid && phone) this.lidToPhone.set(lid, phone);
    // A LID alone (a first contact from someone WhatsApp keeps the number of): Baileys' own LID store may know the
    // number, from earlier mappings or by asking WhatsApp; then the contact is filed under it.
    if (lid && !phone && !this.lidToPhone.has(lid)) {
      const known = await this.socket?.signalRepository?.lidMapping?.getPNForLID(lid).catch(() => null);
      if (known && phoneOfJid(known)) this.lidToPhone.set(lid, known.replace(/:\d+@/, '@'));
    }
    const forms = addressOf([...jids, ...(lid ? [this.lidToPhone.get(lid)] : [])]);
    if (!forms) return null;
    const all = [forms.address, ...forms.aliases];
    const known = await knownAddress(this.options.pool, this.context.accountId, all).catch(() => null);
    const address = known ?? forms.address;
    return { address, aliases: all.filter((form) => form !== address) };
  }
}

/** The JID of an address: '+15551234567' -> '15551234567@s.whatsapp.net'; JIDs pass through. */
export function jidOf(address: string): string | null {
  if (/^\+?\d{6,15}$/.test(address)) return `${address.replace(/^\+/, '')}@s.whatsapp.net`;
  if (/^[\d.:-]+@(s\.whatsapp\.net|lid|g\.us)$/.test(address)) return address;
  return null;
}

function statusCodeOf(error: unknown): number | undefined {
  const output = (error as { output?: { statusCode?: unknown } } | undefined)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

/** What Baileys sends: text, or a file as the media message of its kind (Baileys encrypts and uploads it). */
function contentOf(text: string | undefined, file: OutboundFileData | undefined): AnyMessageContent {
  if (!file) return { text: text! };
  const mimetype = file.mimeType.split(';')[0]!.trim();
  const caption = text ? { caption: text } : {};
  switch (fileKindOf(file.mimeType)) {
    case 'image':
      return { image: file.data, mimetype, ...caption };
    case 'video':
      return { video: file.data, mimetype, ...caption };
    case 'audio':
      return { audio: file.data, mimetype };
    default:
      return { document: file.data, mimetype, fileName: file.fileName, ...caption };
  }
}
