import type {
  AnyMessageContent,
  AuthenticationState,
  BaileysEventEmitter,
  BaileysEventMap,
  MiscMessageGenerationOptions,
  WAMessage,
  WAMessageKey,
  proto,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { BaileysConfig } from './baileys-config.js';

/**
 * The part of Baileys' WASocket the bridge uses: its buffered event emitter (process() hands over batches that
 * Baileys consolidated), sendMessage, and end. Tests give the bridge an object with Baileys' real event buffer.
 */
export interface BaileysSocketLike {
  ev: BaileysEventEmitter & {
    process(handler: (events: Partial<BaileysEventMap>) => void | Promise<void>): () => void;
  };
  sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined>;
  end(error: Error | undefined): void;
  /**
   * Asks the phone to upload an expired media file again (Baileys' updateMediaMessage: a media retry request); the
   * message comes back with the new directPath and url.
   */
  updateMediaMessage?(message: WAMessage): Promise<WAMessage>;
  /** Baileys' LID store: the phone number WhatsApp gave for a LID, when it gave one (makeWASocket's signalRepository). */
  signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
}

/** Opens one WhatsApp Web connection with the given auth state; called again for every reconnect. */
export interface BaileysSocketOptions {
  auth: AuthenticationState;
  logger: Logger;
  config: BaileysConfig;
  /**
   * A message this account sent, by its key, for WhatsApp's retry requests (a recipient whose device could not
   * decrypt it asks again): answered from the record, so a restarted process can still resend what it sent.
   */
  getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined>;
}

export type BaileysSocketMaker = (options: BaileysSocketOptions) => Promise<BaileysSocketLike>;

/** The real thing: Baileys' makeWASocket, loaded only when an account of this kind starts. */
export const makeBaileysSocket: BaileysSocketMaker = async ({ auth, logger, config, getMessage }) => {
  const baileys = await import('@whiskeysockets/baileys');
  const socket = baileys.makeWASocket({
    auth: { creds: auth.creds, keys: baileys.makeCacheableSignalKeyStore(auth.keys, logger) },
    logger,
    browser: baileys.Browsers.ubuntu('Matterline'),
    // Messages Matterline sends are recorded by the send job; echoing them back as upserts would record them twice.
    emitOwnEvents: false,
    // Staying "offline" keeps the firm's phone getting notifications as usual.
    markOnlineOnConnect: false,
    syncFullHistory: config.syncFullHistory ?? false,
    getMessage,
  });
  return socket;
};
