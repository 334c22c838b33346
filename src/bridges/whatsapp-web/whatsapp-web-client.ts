import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Message, MessageMedia, MessageSendOptions } from 'whatsapp-web.js';
import type { CredentialStore } from '../../core/credentials/credential-store.js';
import { createPostgresRemoteAuthStore } from './postgres-remote-auth-store.js';
import type { WhatsAppWebConfig } from './whatsapp-web-config.js';
import { whatsAppWebDefaults } from './whatsapp-web-config.js';

/**
 * The part of whatsapp-web.js' Client the bridge uses: its events (an EventEmitter), initialize/destroy and
 * sendMessage. Tests give the bridge an EventEmitter that emits objects shaped like whatsapp-web.js Messages.
 */
export interface WhatsAppWebClientLike {
  // any: whatsapp-web.js types each event's listener differently; the bridge checks every argument it receives.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeAllListeners(): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  /** Text, or a file as whatsapp-web.js' own MessageMedia (which its sendMessage recognises by class). */
  sendMessage(chatId: string, content: string | MessageMedia, options?: Pick<MessageSendOptions, 'caption' | 'sendMediaAsDocument'>): Promise<Pick<Message, 'id'>>;
  /** The phone number WhatsApp knows for a LID (whatsapp-web.js' Client.getContactLidAndPhone). */
  getContactLidAndPhone?(userIds: string[]): Promise<{ lid: string; pn: string }[]>;
}

export type WhatsAppWebClientMaker = (options: { accountId: string; credentials: CredentialStore; config: WhatsAppWebConfig }) => Promise<WhatsAppWebClientLike>;

/** The real client: puppeteer drives Debian's Chromium; the session goes through RemoteAuth into PostgreSQL. */
export const makeWhatsAppWebClient: WhatsAppWebClientMaker = async ({ accountId, credentials, config }) => {
  const { default: wweb } = await import('whatsapp-web.js');
  // RemoteAuth unpacks the profile here while the browser runs and zips it back into the store; nothing stays.
  const dataPath = path.join(tmpdir(), 'matterline-wwebjs', accountId.replace(/[^\w-]/g, '_'));
  await mkdir(dataPath, { recursive: true, mode: 0o700 });
  const store = createPostgresRemoteAuthStore({ credentials, dataPath });
  return new wweb.Client({
    authStrategy: new wweb.RemoteAuth({
      store,
      clientId: accountId.replace(/[^\w-]/g, '_'),
      dataPath,
      backupSyncIntervalMs: config.backupSyncIntervalMs ?? whatsAppWebDefaults.backupSyncIntervalMs,
    }),
    puppeteer: {
      executablePath: config.executablePath ?? whatsAppWebDefaults.executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    },
  });
};
