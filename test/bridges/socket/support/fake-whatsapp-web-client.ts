import { EventEmitter } from 'node:events';
import type { Message, MessageMedia, MessageSendOptions } from 'whatsapp-web.js';
import type { WhatsAppWebClientLike, WhatsAppWebClientMaker } from '../../../../src/bridges/whatsapp-web/whatsapp-web-client.js';
import { ownText } from '../../../fixtures/whatsapp-web/messages.js';

// whatsapp-web.js' Client without a browser: an EventEmitter (as Client is) that the test makes emit the library's
// events with Message-shaped objects; sendMessage records its calls and, like the real client, emits message_create
// for the sent message, here before it resolves (the race the bridge must survive).

export class FakeWhatsAppWebClient extends EventEmitter implements WhatsAppWebClientLike {
  initialized = false;
  destroyed = false;
  sent: { chatId: string; content: string | MessageMedia; id: string; options?: Pick<MessageSendOptions, 'caption' | 'sendMediaAsDocument'> }[] = [];

  /** LID -> phone-number id, as WhatsApp Web would answer getContactLidAndPhone. */
  lidPhones = new Map<string, string>();

  async getContactLidAndPhone(userIds: string[]): Promise<{ lid: string; pn: string }[]> {
    return userIds.flatMap((lid) => (this.lidPhones.has(lid) ? [{ lid, pn: this.lidPhones.get(lid)! }] : []));
  }

  async initialize(): Promise<void> {
    this.initialized = true;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }

  async sendMessage(chatId: string, content: string | MessageMedia, options?: Pick<MessageSendOptions, 'caption' | 'sendMediaAsDocument'>): Promise<Pick<Message, 'id'>> {
    const message = ownText(typeof content === 'string' ? content : (options?.caption ?? ''), chatId);
    this.sent.push({ chatId, content, id: message.id.id, ...(options ? { options } : {}) });
    this.emit('message_create', message);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { id: message.id };
  }

  /** Calls the bridge's listeners for an event and resolves when they returned (what the emitter does not wait for). */
  async deliver(event: string, ...args: unknown[]): Promise<void> {
    for (const listener of this.listeners(event)) await (listener as (...a: unknown[]) => unknown)(...args);
  }
}

export function fakeClientMaker(): { make: WhatsAppWebClientMaker; clients: FakeWhatsAppWebClient[]; latest(): FakeWhatsAppWebClient } {
  const clients: FakeWhatsAppWebClient[] = [];
  return {
    clients,
    latest: () => clients.at(-1)!,
    make: async () => {
      const client = new FakeWhatsAppWebClient();
      clients.push(client);
      return client;
    },
  };
}
