import type { AnyMessageContent, BaileysEventMap, MiscMessageGenerationOptions, WAMessage } from '@whiskeysockets/baileys';
import { makeEventBuffer } from '@whiskeysockets/baileys';
import pino from 'pino';
import type { BaileysSocketLike, BaileysSocketMaker } from '../../../../src/bridges/baileys/baileys-socket.js';

// A Baileys socket without the network: its `ev` is Baileys' own event buffer (the object makeWASocket builds), so
// the bridge sees events exactly as Baileys delivers them; sendMessage records its calls and answers like Baileys.

export interface FakeBaileysSocket extends BaileysSocketLike {
  ev: ReturnType<typeof makeEventBuffer> & BaileysSocketLike['ev'];
  sent: { jid: string; content: AnyMessageContent; options?: MiscMessageGenerationOptions }[];
  ended: boolean;
  /** The bridge's process() handlers: calling one directly resolves when Baileys' handler would return. */
  handlers: ((events: Partial<BaileysEventMap>) => void | Promise<void>)[];
  /** Delivers a batch the way the buffer does after a flush, and resolves when the bridge's handler returned. */
  deliver(events: Partial<BaileysEventMap>): Promise<void>;
  failSendWith?: Error;
  /** The media retry requests the bridge made (updateMediaMessage), and what the phone answers: the new path. */
  mediaRetries: WAMessage[];
  reuploadTo?: string;
}

export function createFakeBaileysSocket(): FakeBaileysSocket {
  const ev = makeEventBuffer(pino({ level: 'silent' }));
  const process = ev.process.bind(ev);
  const socket: FakeBaileysSocket = {
    sent: [],
    mediaRetries: [],
    ended: false,
    handlers: [],
    ev: Object.assign(ev, {
      process(handler: (events: Partial<BaileysEventMap>) => void | Promise<void>) {
        socket.handlers.push(handler);
        return process(handler);
      },
    }),
    async sendMessage(jid, content, options) {
      if (socket.failSendWith) throw socket.failSendWith;
      socket.sent.push({ jid, content, ...(options ? { options } : {}) });
      const message: WAMessage = {
        key: { remoteJid: jid, fromMe: true, id: options?.messageId ?? 'generated' },
        message: 'text' in content ? { extendedTextMessage: { text: content.text } } : {},
        messageTimestamp: Math.floor(Date.now() / 1000),
      };
      return message;
    },
    end() {
      socket.ended = true;
    },
    // As Baileys' updateMediaMessage resolves once the phone uploaded the file again: the message, with the new path.
    async updateMediaMessage(message) {
      socket.mediaRetries.push(message);
      if (!socket.reuploadTo) throw new Error('media retry failed: not found');
      const field = Object.keys(message.message ?? {})[0]!;
      const media = (message.message as Record<string, Record<string, unknown>>)[field]!;
      return { ...message, message: { [field]: { ...media, directPath: socket.reuploadTo, url: `https://mmg.whatsapp.net${socket.reuploadTo}` } } };
    },
    async deliver(events) {
      for (const handler of socket.handlers) await handler(events);
    },
  };
  return socket;
}

/** A socket maker that hands out fresh fake sockets, keeping them for the test to drive. */
export function fakeSocketMaker(): {
  make: BaileysSocketMaker;
  sockets: FakeBaileysSocket[];
  latest(): FakeBaileysSocket;
  /** What the bridge gave the latest socket (makeWASocket's options: getMessage ...). */
  latestOptions(): Parameters<BaileysSocketMaker>[0];
} {
  const sockets: FakeBaileysSocket[] = [];
  const options: Parameters<BaileysSocketMaker>[0][] = [];
  return {
    sockets,
    latest: () => sockets.at(-1)!,
    latestOptions: () => options.at(-1)!,
    make: async (given) => {
      options.push(given);
      const socket = createFakeBaileysSocket();
      sockets.push(socket);
      return socket;
    },
  };
}
