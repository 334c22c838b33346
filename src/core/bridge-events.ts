export type { AccountStateEvent, BridgeEvent, MessageEvent, ReceiptEvent } from './events.js';

export type ChannelKindName = 'simulator' | 'baileys' | 'whatsapp_web' | 'signal' | 'whatsapp_cloud' | 'twilio';

/** What recording a bridge event produced. */
export type RecordedEvent =
  | { kind: 'message'; messageId: string; conversationId: string; duplicate: boolean }
  | { kind: 'receipt'; matched: boolean }
  | { kind: 'state' };
