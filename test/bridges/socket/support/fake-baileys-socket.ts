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
}

export function createFakeBaileysSocket(): FakeBaileysSocket {
  const ev = makeEventBuffer(pino({ level: 'silent' }));
  const process = ev.process.bind(ev);
  const socket: FakeBaileysSocket = {
    sent: [],
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
