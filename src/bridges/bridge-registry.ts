import type { Logger } from 'pino';
import type { Database } from '../db/prisma.js';
import type { BridgeEvent, RecordedEvent } from '../core/bridge-events.js';
import type { CredentialStoreFactory } from '../core/credentials/credential-store.js';
import { openAccountConfig } from '../core/crypto/seal-account-config.js';
import type { Keyring } from '../core/crypto/secret-box.js';
import { AppError } from '../core/errors.js';
import type { MediaFetcher, MediaLocation, OutboundRequest, OutboundTransport } from '../core/ports.js';
import type { GuardedFetcher } from '../net/guarded-fetch.js';
import type { BaileysMediaRef } from './baileys/baileys-media-ref.js';
import { decodeBaileysMediaRef } from './baileys/baileys-media-ref.js';
import type { Bridge, BridgeContext, OutboundFileData } from './bridge.js';
import { readBlob } from '../core/blobs/blob-store.js';
import { signMediaLink } from '../core/attachments/signed-media-link.js';
import { bridgeFactories } from './bridge-factories.js';
import { SimulatorBridge } from './simulator/simulator-bridge.js';

export interface BridgeRegistryOptions {
  db: Database;
  logger: Logger;
  record(event: BridgeEvent): Promise<RecordedEvent>;
  simulatorReceiptMs: number;
  /** Opens the sealed secrets of account configs; absent, only plain configs can run. */
  keyring?: Keyring;
  /** Where linked-phone bridges keep their session keys, encrypted in PostgreSQL. */
  credentials?: CredentialStoreFactory;
  /** Every fetch of a URL from outside the firm (media, redirects): src/net/guarded-fetch.ts. */
  fetcher: GuardedFetcher;
  /** How often a running bridge's account is checked for a changed config (default 3 s). */
  configCheckMs?: number;
}

interface AccountRow {
  id: string;
  kind: string;
  config: Record<string, unknown>;
  configVersion: number;
  removedAt: Date | null;
  paused: boolean;
}

const accountColumns = `id, kind, config, "configVersion", "removedAt", paused`;

/**
 * The bridges this process runs, one per account, created on first use and started once. It is also the send
 * transport the send job uses.
 */
/** Channels whose account is one live connection (a linked phone, a Signal daemon): one process at a time. */
export const exclusiveKinds: readonly string[] = ['baileys', 'whatsapp_web', 'signal'];

/** Account ids are UUIDs or names an admin or test chose from letters, digits, dot, dash and underscore. */
const plausibleAccountId = (accountId: string): boolean => /^[\w.-]{1,200}$/.test(accountId);

export const isExclusiveAccount = (account: { kind: string; config: Record<string, unknown> }): boolean =>
  exclusiveKinds.includes(account.kind) || account.config.exclusive === true;

export class BridgeRegistry implements OutboundTransport, MediaFetcher {
  private readonly bridges = new Map<string, Promise<Bridge>>();
  /** The config version each running bridge was built from, and when this process last compared it with the account. */
  private readonly built = new Map<string, { version: number; checkedAt: number }>();
  /** Exclusive accounts whose lease this process holds (set by the account supervisor). */
  private readonly claimed = new Set<string>();
  private readonly exclusive = new Map<string, boolean>();

  constructor(private readonly options: BridgeRegistryOptions) {}

  /** The account supervisor took this account's lease: its bridge may run here now. */
  claim(accountId: string): void {
    this.claimed.add(accountId);
  }

  /** The lease is gone: stop the account's bridge here at once. */
  async release(accountId: string): Promise<void> {
    this.claimed.delete(accountId);
    const bridge = this.bridges.get(accountId);
    this.bridges.delete(accountId);
    this.built.delete(accountId);
    await (await bridge?.catch(() => null))?.stop();
  }

  /** Whether this process may send for the account: any process for webhook channels, only the holder otherwise. */
  async canSendHere(accountId: string): Promise<boolean> {
    let exclusive = this.exclusive.get(accountId);
    if (exclusive === undefined) {
      const found = await this.options.db.pool.query<{ kind: string; config: Record<string, unknown> }>(
        `SELECT kind, config FROM "ChannelAccount" WHERE id = $1`,
        [accountId],
      );
      const account = found.rows[0];
      if (!account) return true;
      exclusive = isExclusiveAccount(account);
      this.exclusive.set(accountId, exclusive);
    }
    return !exclusive || this.claimed.has(accountId);
  }

  /** The running bridge of an account; rejects with not_found for an unknown or removed account. */
  get(accountId: string): Promise<Bridge> {
    // An id no account can have (a NUL, a space) is unknown: never a query, never a 5xx.
    if (!plausibleAccountId(accountId)) {
      return Promise.reject(new AppError('not_found', 'no such channel account', { accountId: accountId.slice(0, 200) }));
    }
    let bridge = this.bridges.get(accountId);
    if (!bridge) {
      bridge = this.create(accountId);
      this.bridges.set(accountId, bridge);
      bridge.catch(() => this.bridges.delete(accountId));
    } else {
      this.checkConfig(accountId);
    }
    return bridge;
  }

  /**
   * An admin changed the account's settings (here or in another process): a bridge built from an older config is
   * stopped, and started again at once where this process holds the account's lease, else on its next use. Checked at
   * most every few seconds per account, beside the request that uses the bridge (which still has the old one).
   */
  private checkConfig(accountId: string): void {
    const built = this.built.get(accountId);
    if (!built || Date.now() - built.checkedAt < (this.options.configCheckMs ?? 3000)) return;
    built.checkedAt = Date.now();
    void this.options.db.pool
      .query<{ configVersion: number }>(`SELECT "configVersion" FROM "ChannelAccount" WHERE id = $1`, [accountId])
      .then(async (found) => {
        const current = found.rows[0]?.configVersion;
        if (current !== undefined && current !== built.version && this.built.get(accountId) === built) await this.rebuild(accountId);
      })
      .catch((error: unknown) => this.options.logger.warn({ err: error, accountId }, 'could not check the account for changed settings'));
  }

  /** Stops the account's bridge so that the next use builds it from the stored config; reconnects a held account now. */
  async rebuild(accountId: string): Promise<void> {
    const bridge = this.bridges.get(accountId);
    this.bridges.delete(accountId);
    this.built.delete(accountId);
    this.exclusive.delete(accountId);
    await (await bridge?.catch(() => null))?.stop();
    this.options.logger.info({ accountId }, 'account settings changed; bridge rebuilt');
    if (this.claimed.has(accountId)) await this.get(accountId).catch((error: unknown) => this.options.logger.warn({ err: error, accountId }, 'bridge did not start again'));
  }

  /**
   * The simulator bridge of an account, or null when the account is not a simulator account. A simulator account
   * playing a linked phone (exclusive) held by another process is played here without connecting it: a client's text
   * only needs capture, and the pretend phone's inbox is a table.
   */
  async simulator(accountId: string): Promise<SimulatorBridge | null> {
    if (!plausibleAccountId(accountId)) return null;
    const found = await this.options.db.pool.query<AccountRow>(
      `SELECT ${accountColumns} FROM "ChannelAccount" WHERE id = $1`,
      [accountId],
    );
    const account = found.rows[0];
    if (!account || account.removedAt || account.kind !== 'simulator') return null;
    if (isExclusiveAccount(account) && !this.claimed.has(accountId)) {
      return new SimulatorBridge(this.contextFor(account), { pool: this.options.db.pool, receiptMs: 0 });
    }
    const bridge = await this.get(accountId);
    return bridge instanceof SimulatorBridge ? bridge : null;
  }

  private contextFor(account: AccountRow): BridgeContext {
    return {
      accountId: account.id,
      config: openAccountConfig(account.kind, account.config, this.options.keyring),
      logger: this.options.logger.child({ accountId: account.id, channel: account.kind }),
      emit: (event) => this.options.record(event),
      fetcher: this.options.fetcher,
    };
  }

  async send(request: OutboundRequest): Promise<{ providerMessageId: string }> {
    // A paused account still captures what arrives, but sends nothing until resumed (the send is retried).
    const paused = await this.options.db.pool.query(`SELECT 1 FROM "ChannelAccount" WHERE id = $1 AND paused`, [request.accountId]);
    if (paused.rowCount) throw new AppError('unavailable', `account ${request.accountId} is paused`, { accountId: request.accountId });
    const bridge = await this.get(request.accountId);
    if (request.template) {
      const withTemplates = bridge as Bridge & {
        sendTemplate?: (message: { clientMessageId: string; to: string; name: string; languageCode: string }) => Promise<{ providerMessageId: string }>;
      };
      if (!withTemplates.sendTemplate) throw new AppError('bad_request', `the ${bridge.kind} channel has no provider templates`);
      return withTemplates.sendTemplate({
        clientMessageId: request.clientMessageId,
        to: request.to,
        name: request.template.name,
        languageCode: request.template.language,
      });
    }
    const files = await this.filesOf(request);
    if (files.length > 0 && !bridge.capabilities.media) throw new AppError('bad_request', `the ${bridge.kind} channel cannot send files`);
    return bridge.send({ clientMessageId: request.clientMessageId, to: request.to, text: request.text, ...(files.length > 0 ? { files } : {}) });
  }

  /** The bytes of an outbound message's files, from the record's blob store. */
  private async filesOf(request: OutboundRequest): Promise<OutboundFileData[]> {
    const attachments = request.attachments ?? [];
    if (attachments.length === 0) return [];
    const keyring = this.options.keyring;
    if (!keyring) throw new AppError('unavailable', 'files cannot be read without the server key (MATTERLINE_SECRET_KEY)');
    return Promise.all(
      attachments.map(async (attachment, index) => ({
        attachmentId: attachment.id,
        signedPath: signMediaLink(keyring, attachment.id),
        fileName: attachment.fileName ?? `file-${index + 1}`,
        mimeType: attachment.mimeType,
        data: await readBlob(this.options.db.pool, keyring, attachment.sha256),
      })),
    );
  }

  /**
   * Fetches media through the account's channel: provider media ids and authenticated URLs need the channel's own
   * credentials. A channel without its own download gets no URL fetched: the simulator's media is inline.
   */
  async downloadMedia(accountId: string, location: MediaLocation): Promise<{ data: Buffer; mimeType: string }> {
    // A linked phone's WhatsApp media needs no live connection (nor the account's lease): its keys came with the
    // message, and the encrypted file is on WhatsApp's media servers (baileys-media.ts).
    const baileysRef = location.providerMediaId ? decodeBaileysMediaRef(location.providerMediaId) : null;
    if (baileysRef) {
      const { downloadBaileysMedia } = await import('./baileys/baileys-media.js');
      const found = await this.options.db.pool.query<{ config: Record<string, unknown> }>(`SELECT config FROM "ChannelAccount" WHERE id = $1`, [accountId]);
      const origin = found.rows[0]?.config.mediaOrigin;
      const download = (ref: BaileysMediaRef) => downloadBaileysMedia({ fetcher: this.options.fetcher, ref, ...(typeof origin === 'string' ? { origin } : {}) });
      let data: Buffer;
      try {
        ({ data } = await download(baileysRef));
      } catch (error) {
        // Expired on WhatsApp's servers (after some weeks): the phone is asked to upload it again, through the live
        // connection, which only the process holding the account's lease has (elsewhere: retried later).
        if (!(error instanceof AppError && error.details?.expired === true)) throw error;
        if (!this.claimed.has(accountId)) throw new AppError('unavailable', `${error.message}; the process connected to this account asks the phone for it`, {}, { cause: error });
        const bridge = (await this.get(accountId)) as Bridge & { reuploadMedia?: (ref: BaileysMediaRef) => Promise<BaileysMediaRef> };
        if (!bridge.reuploadMedia) throw error;
        ({ data } = await download(await bridge.reuploadMedia(baileysRef)));
      }
      // The type the message declared stays on the attachment (octet-stream here means "keep it").
      return { data, mimeType: 'application/octet-stream' };
    }
    const bridge = (await this.get(accountId)) as Bridge & { downloadMedia?: (reference: string) => Promise<{ data: Buffer; mimeType: string }> };
    if (bridge.downloadMedia) {
      // The provider's own reference when there is one (a Graph media id, Baileys' media keys), else its URL (Twilio).
      const reference = location.providerMediaId ?? location.url;
      if (!reference) throw new AppError('bad_request', 'the channel gave no reference for this media');
      return bridge.downloadMedia(reference);
    }
    throw new AppError('bad_request', `the ${bridge.kind} channel cannot fetch this media`);
  }

  /**
   * The WhatsApp Cloud numbers that may arrive on this account's webhook, by phone number id: its own, and those of the
   * firm's other WhatsApp Cloud accounts on the same Meta app (the same app secret signs their events).
   */
  async whatsappCloudNumbers(accountId: string, appSecret: string): Promise<Map<string, string>> {
    const found = await this.options.db.pool.query<AccountRow>(
      `SELECT b.id, b.kind, b.config, b."configVersion", b."removedAt", b.paused FROM "ChannelAccount" a
         JOIN "ChannelAccount" b ON b."firmId" = a."firmId" AND b.kind = 'whatsapp_cloud' AND b."removedAt" IS NULL
        WHERE a.id = $1 ORDER BY b."createdAt", b.id`,
      [accountId],
    );
    const numbers = new Map<string, string>();
    for (const account of found.rows) {
      let config: Record<string, unknown>;
      try {
        config = openAccountConfig(account.kind, account.config, this.options.keyring);
      } catch {
        continue;
      }
      if (typeof config.phoneNumberId !== 'string') continue;
      if (account.id !== accountId && config.appSecret !== appSecret) continue;
      // The receiving account keeps its own number even if another account was (wrongly) given the same one.
      if (!numbers.has(config.phoneNumberId) || account.id === accountId) numbers.set(config.phoneNumberId, account.id);
    }
    return numbers;
  }

  async idempotentSends(accountId: string): Promise<boolean> {
    return (await this.get(accountId)).capabilities.idempotentSends;
  }

  /** Whether every started bridge is up; for /readyz. */
  async states(): Promise<{ accountId: string; state: string }[]> {
    const rows = await this.options.db.pool.query<{ id: string; state: string }>(
      `SELECT id, state FROM "ChannelAccount" WHERE id = ANY($1::text[])`,
      [[...this.bridges.keys()]],
    );
    return rows.rows.map((row) => ({ accountId: row.id, state: row.state }));
  }

  async stop(): Promise<void> {
    const all = [...this.bridges.values()];
    this.bridges.clear();
    this.built.clear();
    await Promise.all(all.map(async (bridge) => (await bridge.catch(() => null))?.stop()));
  }

  private async create(accountId: string): Promise<Bridge> {
    const found = await this.options.db.pool.query<AccountRow>(
      `SELECT ${accountColumns} FROM "ChannelAccount" WHERE id = $1`,
      [accountId],
    );
    const account = found.rows[0];
    if (!account || account.removedAt) throw new AppError('not_found', `no channel account "${accountId}"`, { accountId });
    if (isExclusiveAccount(account) && !this.claimed.has(accountId)) {
      // Never a second connection: only the process holding the account's lease connects it.
      throw new AppError('unavailable', `account ${accountId} is connected by another process`, { accountId });
    }
    const context = this.contextFor(account);
    const factory = bridgeFactories[account.kind as keyof typeof bridgeFactories];
    if (!factory) throw new AppError('unavailable', `the ${account.kind} bridge is not available in this build`, { accountId });
    const bridge = factory(context, {
      pool: this.options.db.pool,
      simulatorReceiptMs: this.options.simulatorReceiptMs,
      credentials: this.options.credentials,
    });
    await bridge.start();
    this.built.set(accountId, { version: account.configVersion, checkedAt: Date.now() });
    this.options.logger.info({ accountId, kind: account.kind }, 'bridge started');
    return bridge;
  }
}
