import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Message, Reaction } from 'whatsapp-web.js';
import type { CredentialStore } from '../../core/credentials/credential-store.js';
import { fileKindOf } from '../../core/channel-rules/media-limits.js';
import { AppError } from '../../core/errors.js';
import type { ContactRef, MessageEvent } from '../../core/events.js';
import { asAccountId, asProviderMessageId } from '../../core/ids.js';
import type { Bridge, BridgeContext, OutboundMessage } from '../bridge.js';
import { AccountStateReporter } from '../socket/account-state-reporter.js';
import { backoffDelayMs, sleep } from '../socket/backoff.js';
import { captureWithRetry } from '../socket/capture-with-retry.js';
import { ChatQueue } from '../socket/chat-queue.js';
import { addressOf, knownAddress, lidOfJid, phoneOfJid } from '../socket/whatsapp-address.js';
import { chatJidOf, normalizeWhatsAppWebMessage, receiptOfAck } from './normalize-whatsapp-web.js';
import type { WhatsAppWebClientLike, WhatsAppWebClientMaker } from './whatsapp-web-client.js';
import { whatsAppWebConfigSchema, whatsAppWebDefaults } from './whatsapp-web-config.js';

export interface WhatsAppWebBridgeOptions {
  credentials: CredentialStore;
  pool: pg.Pool;
  makeClient: WhatsAppWebClientMaker;
  random?: () => number;
}

// WhatsApp Web's connection states that a person must deal with (whatsapp-web.js WAState).
const bannedStates = new Set(['TOS_BLOCK', 'SMB_TOS_BLOCK']);
const attentionStates = new Set(['CONFLICT', 'PROXYBLOCK', 'DEPRECATED_VERSION']);
/** How much older than the connection's start a message may be and still count as live (clocks differ a little). */
const replaySlackMs = 60_000;

/**
 * WhatsApp through whatsapp-web.js (WhatsApp Web in Chromium driven by puppeteer). The same behaviour as the Baileys
 * bridge: capture inside each event listener before it returns, in order per chat; the session in PostgreSQL
 * through RemoteAuth; reconnect with backoff; logged out and banned stop for a person.
 */
export class WhatsAppWebBridge implements Bridge {
  readonly kind = 'whatsapp_web' as const;
  readonly capabilities = { media: true, receipts: true, idempotentSends: false, edits: true };
  private readonly parsed: ReturnType<typeof whatsAppWebConfigSchema.safeParse>;
  private readonly state: AccountStateReporter;
  private readonly queue = new ChatQueue();
  private readonly abort = new AbortController();
  private client: WhatsAppWebClientLike | null = null;
  private attempt = 0;
  /**
   * When this connection became ready. WhatsApp Web replays what arrived while it was away as new messages; those
   * older than this (with a minute's slack for clocks) are backfill: recorded, never answered or asked for consent.
   */
  private readyAt: number | null = null;
  /** LID -> phone-number JID, as WhatsApp Web answered getContactLidAndPhone. */
  private readonly lidToPhone = new Map<string, string>();
  /** Sends in flight and ids Matterline sent: their message_create echo is already recorded by the send job. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sentByUs = new Set<string>();

  constructor(
    private readonly context: BridgeContext,
    private readonly options: WhatsAppWebBridgeOptions,
  ) {
    this.parsed = whatsAppWebConfigSchema.safeParse(context.config);
    this.state = new AccountStateReporter({
      context,
      logger: context.logger,
      silentAfterMs: this.parsed.data?.silentAfterMs ?? whatsAppWebDefaults.silentAfterMs,
    });
  }

  async start(): Promise<void> {
    if (!this.parsed.success) {
      const reason = this.parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ');
      await this.state.report('needs_attention', reason);
      throw new AppError('bad_request', `the WhatsApp Web account cannot work: ${reason}`, { accountId: this.context.accountId });
    }
    await this.connect();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.state.stop();
    await this.detach();
    await this.queue.idle();
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const files = message.files ?? [];
    if (files.length > 1) throw new AppError('bad_request', 'WhatsApp sends one file per message');
    if (!message.text && files.length === 0) throw new AppError('bad_request', 'a WhatsApp message needs text');
    const chatId = chatIdOf(message.to);
    if (!chatId) throw new AppError('bad_request', `"${message.to}" is not a WhatsApp number or chat id`);
    const client = this.client;
    if (!client || this.state.state !== 'connected') {
      throw new AppError('unavailable', `WhatsApp Web is not connected (${this.state.state ?? 'not started'})`);
    }
    // Marked in flight before the call: the library may emit message_create for it before sendMessage resolves.
    let settle!: () => void;
    const marker = new Promise<void>((resolve) => (settle = resolve));
    this.inFlight.add(marker);
    try {
      const file = files[0];
      let sent: Awaited<ReturnType<typeof client.sendMessage>>;
      if (file) {
        const { default: wweb } = await import('whatsapp-web.js');
        const media = new wweb.MessageMedia(file.mimeType.split(';')[0]!.trim(), file.data.toString('base64'), file.fileName, file.data.length);
        const kind = fileKindOf(file.mimeType);
        sent = await client.sendMessage(chatId, media, {
          ...(message.text && kind !== 'audio' ? { caption: message.text } : {}),
          // Pictures and videos show in the chat; everything else goes as a document, with its name.
          ...(kind === 'document' ? { sendMediaAsDocument: true } : {}),
        });
      } else {
        sent = await client.sendMessage(chatId, message.text!);
      }
      this.remember(sent.id.id);
      return { providerMessageId: sent.id.id };
    } catch (error) {
      throw new AppError('unavailable', `WhatsApp Web send failed: ${(error as Error).message}`, {}, { cause: error });
    } finally {
      this.inFlight.delete(marker);
      settle();
    }
  }

  private async connect(): Promise<void> {
    if (this.abort.signal.aborted) return;
    try {
      await this.state.report('connecting');
      const client = await this.options.makeClient({ accountId: this.context.accountId, credentials: this.options.credentials, config: this.parsed.data ?? {} });
      if (this.abort.signal.aborted) return void (await client.destroy().catch(() => undefined));
      this.client = client;
      this.listen(client);
      await client.initialize();
    } catch (error) {
      await this.detach();
      this.scheduleReconnect(`WhatsApp Web could not start: ${(error as Error).message}`);
    }
  }

  private listen(client: WhatsAppWebClientLike): void {
    const on = (event: string, listener: (...args: never[]) => Promise<void>) =>
      client.on(event, (...args: unknown[]) => {
        if (client !== this.client) return;
        this.state.activity();
        // Returned so a caller that awaits listeners (tests) sees the capture finish; EventEmitter ignores it.
        return listener(...(args as never[])).catch((error: unknown) => this.context.logger.error({ err: error, event }, 'a WhatsApp Web event could not be handled'));
      });
    on('qr', (qr: string) => this.state.report('linking', 'scan the QR code with WhatsApp on the firm’s phone (Settings > Linked devices)', String(qr)));
    on('authenticated', () => this.state.report('connecting', 'linked; loading chats'));
    on('ready', async () => {
      this.attempt = 0;
      this.readyAt = Date.now();
      await this.state.report('connected');
    });
    on('auth_failure', (reason: string) => this.state.report('needs_attention', `WhatsApp Web refused the saved session: ${String(reason)}; link the account again`));
    on('change_state', async (state: string) => {
      if (bannedStates.has(state)) await this.state.report('banned', `WhatsApp blocked this number (${state})`);
      else if (attentionStates.has(state)) await this.state.report('needs_attention', `WhatsApp Web is in state ${state}`);
    });
    on('disconnected', (reason: string) => this.onDisconnected(String(reason)));
    on('message', (message: Message) => (message?.fromMe ? Promise.resolve() : this.captureMessage(message)));
    // A message that stayed encrypted (WhatsApp Web asked the sender's phone to resend and gave up after 15 s): a
    // placeholder under an id of its own, so that the message itself, if it is decrypted later, is still recorded.
    on('message_ciphertext_failed', (message: Message) =>
      this.captureMessage(message, {
        providerMessageId: asProviderMessageId(`${message?.id?.id}:undecryptable`),
        messageKind: 'unsupported',
        text: undefined,
      }),
    );
    on('message_create', (message: Message) => (message?.fromMe ? this.captureOwn(message) : Promise.resolve()));
    on('message_ack', (message: Message, ack: number) => this.captureAck(message, ack));
    on('message_edit', (message: Message, newBody: string) =>
      this.captureMessage(message, {
        providerMessageId: asProviderMessageId(message?.latestEditMsgKey?.id ?? `${message?.id?.id}:edit:${message?.latestEditSenderTimestampMs ?? String(newBody)}`),
        messageKind: 'edit',
        text: String(newBody),
        relatesToProviderId: message?.id?.id,
        sentAt: message?.latestEditSenderTimestampMs ? new Date(message.latestEditSenderTimestampMs) : new Date(),
      }),
    );
    on('message_revoke_everyone', (after: Message, before?: Message | null) => {
      const target = before?.id?.id ?? after?.id?.id;
      return this.captureMessage(before ?? after, {
        providerMessageId: asProviderMessageId(after?.protocolMessageKey?.id ?? `${target}:revoke`),
        messageKind: 'deletion',
        // The deleted message's text is already in the record; the deletion event carries none of its own.
        text: undefined,
        relatesToProviderId: target,
        sentAt: typeof after?.timestamp === 'number' ? new Date(after.timestamp * 1000) : new Date(),
      });
    });
    on('message_reaction', (reaction: Reaction) => this.captureReaction(reaction));
  }

  private async onDisconnected(reason: string): Promise<void> {
    await this.detach();
    if (reason === 'LOGOUT' || reason === 'UNPAIRED') {
      // RemoteAuth deletes the stored session itself on logout; make sure nothing of it is left to reuse.
      await this.options.credentials.clear().catch((error: unknown) => this.context.logger.error({ err: error }, 'could not clear the dead session'));
      await this.state.report('logged_out', 'WhatsApp logged this device out (unlinked on the phone): link it again with a new QR code');
      return;
    }
    if (bannedStates.has(reason)) return void (await this.state.report('banned', `WhatsApp blocked this number (${reason})`));
    this.scheduleReconnect(`disconnected from WhatsApp Web: ${reason}`);
  }

  private async detach(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.readyAt = null;
    if (!client) return;
    client.removeAllListeners();
    await client.destroy().catch((error: unknown) => this.context.logger.warn({ err: error }, 'closing WhatsApp Web failed'));
  }

  private scheduleReconnect(reason: string): void {
    if (this.abort.signal.aborted) return;
    const delay = backoffDelayMs(this.attempt++, {
      baseMs: this.parsed.data?.reconnectBaseMs ?? whatsAppWebDefaults.reconnectBaseMs,
      maxMs: this.parsed.data?.reconnectMaxMs ?? whatsAppWebDefaults.reconnectMaxMs,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
    void (async () => {
      await this.state.report('disconnected', `${reason} (retrying in ${Math.round(delay / 1000)} s)`);
      if (await sleep(delay, this.abort.signal)) await this.connect();
    })();
  }

  private captureMessage(message: Message, overrides?: Parameters<typeof normalizeWhatsAppWebMessage>[2]): Promise<void> {
    const chat = message && typeof message === 'object' ? chatJidOf(message) : undefined;
    return this.queue.run(chat ?? 'unknown', async () => {
      let event: MessageEvent | null;
      const sentAtMs = typeof message?.timestamp === 'number' ? message.timestamp * 1000 : Date.now();
      // Before this connection was ready, or sent well before it: a replay of what arrived while it was away.
      const backfilled = this.readyAt === null || sentAtMs < this.readyAt - replaySlackMs;
      try {
        event = await normalizeWhatsAppWebMessage(
          message,
          { accountId: this.context.accountId, backfilled, resolvePerson: (jids) => this.resolvePerson(jids) },
          overrides,
        );
      } catch (error) {
        this.context.logger.warn({ err: error }, 'a WhatsApp Web message could not be read; ignored');
        return;
      }
      if (!event) return;
      if (event.media?.length && message.hasMedia && !overrides?.messageKind) await this.attachBytes(message, event);
      await captureWithRetry({ emit: this.context.emit, event, logger: this.context.logger, signal: this.abort.signal });
    });
  }

  /**
   * The file itself, through whatsapp-web.js (message.downloadMedia: WhatsApp Web fetches and decrypts it), handed
   * over with the event so that capture keeps it in the record's blob store. A file WhatsApp no longer has, or whose
   * bytes do not match the hash the message announced, is captured without bytes: the attachment is marked failed.
   */
  private async attachBytes(message: Message, event: MessageEvent): Promise<void> {
    const ref = event.media![0]!;
    let media: { data?: string; mimetype?: string; filename?: string | null } | undefined;
    try {
      media = await message.downloadMedia();
    } catch (error) {
      this.context.logger.warn({ err: error }, 'WhatsApp Web could not download a media file');
      return;
    }
    if (!media?.data) return;
    const data = Buffer.from(media.data, 'base64');
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (ref.sha256 && ref.sha256 !== sha256) {
      this.context.logger.warn({ announced: ref.sha256, sha256 }, 'a WhatsApp Web file does not match its announced hash; not kept');
      return;
    }
    ref.data = data;
    ref.size = data.length;
    ref.sha256 = sha256;
    if (!ref.fileName && media.filename) ref.fileName = media.filename;
  }

  private async captureOwn(message: Message): Promise<void> {
    // message_create can fire before sendMessage resolves with the id: wait for the sends in flight first.
    await Promise.allSettled([...this.inFlight]);
    if (message?.id?.id && this.sentByUs.has(message.id.id)) return;
    await this.captureMessage(message);
  }

  private captureAck(message: Message, ack: number): Promise<void> {
    const status = receiptOfAck(Number(ack));
    const id = message?.id?.id;
    if (!status || !id || !message.fromMe) return Promise.resolve();
    return this.queue.run(chatJidOf(message) ?? 'unknown', async () => {
      await captureWithRetry({
        emit: this.context.emit,
        event: { kind: 'receipt', accountId: asAccountId(this.context.accountId), providerMessageId: asProviderMessageId(id), status, at: new Date(), raw: { id: message.id, ack } },
        logger: this.context.logger,
        signal: this.abort.signal,
      });
    });
  }

  private captureReaction(reaction: Reaction): Promise<void> {
    const target = reaction?.msgId?.id;
    const id = reaction?.id?.id;
    if (!target || !id || !reaction.senderId) return Promise.resolve();
    const chat = reaction.msgId.remote;
    return this.queue.run(chat, async () => {
      const group = chat.endsWith('@g.us');
      const person = await this.resolvePerson([reaction.senderId]);
      const event: MessageEvent = {
        kind: 'message',
        accountId: asAccountId(this.context.accountId),
        providerMessageId: asProviderMessageId(id),
        direction: reaction.id.fromMe ? 'outbound' : 'inbound',
        chat: { externalId: group ? chat : (person?.address ?? chat), kind: group ? 'group' : 'direct' },
        ...(person ? { contact: person } : {}),
        messageKind: 'reaction',
        ...(reaction.reaction ? { text: reaction.reaction } : {}),
        relatesToProviderId: target,
        sentAt: reaction.timestamp ? new Date(reaction.timestamp * 1000) : new Date(),
        raw: { reaction: { ...reaction } },
      };
      await captureWithRetry({ emit: this.context.emit, event, logger: this.context.logger, signal: this.abort.signal });
    });
  }

  private remember(id: string): void {
    this.sentByUs.add(id);
    // Echoes come within seconds; a bounded memory is enough.
    if (this.sentByUs.size > 10_000) this.sentByUs.delete(this.sentByUs.values().next().value!);
  }

  private async resolvePerson(jids: (string | null | undefined)[]): Promise<ContactRef | null> {
    // A LID alone: WhatsApp Web may know the number behind it; then the contact is filed under the number.
    const lid = jids.map(lidOfJid).find(Boolean);
    if (lid && !jids.some((jid) => phoneOfJid(jid))) {
      if (!this.lidToPhone.has(lid) && this.client?.getContactLidAndPhone) {
        const [pair] = await this.client.getContactLidAndPhone([lid]).catch(() => []);
        if (pair?.pn && phoneOfJid(pair.pn)) this.lidToPhone.set(lid, pair.pn);
      }
      const phone = this.lidToPhone.get(lid);
      if (phone) jids = [...jids, phone];
    }
    const forms = addressOf(jids);
    if (!forms) return null;
    const all = [forms.address, ...forms.aliases];
    const known = await knownAddress(this.options.pool, this.context.accountId, all).catch(() => null);
    const address = known ?? forms.address;
    return { address, aliases: all.filter((form) => form !== address) };
  }
}

/** whatsapp-web.js chat ids: '+15551234567' -> '15551234567@c.us'; ids with a server part pass through. */
export function chatIdOf(address: string): string | null {
  if (/^\+?\d{6,15}$/.test(address)) return `${address.replace(/^\+/, '')}@c.us`;
  if (/^[\d-]+@(c\.us|lid|g\.us)$/.test(address)) return address;
  return null;
}
