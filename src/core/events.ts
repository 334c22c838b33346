import type { AccountId, ProviderMessageId } from './ids.js';

// What bridges hand to the core: the normalized form of every platform event. A bridge knows one channel and
// nothing of matters, consent or hours.

export type MessageKind =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'interactive'
  | 'template'
  | 'reaction'
  | 'edit'
  | 'deletion'
  | 'unsupported'
  /** A happening in the chat (a disappearing-messages timer set, a group changed): recorded, never answered. */
  | 'event';

/** A media item as the platform describes it; at least one of data, url or providerMediaId says where the bytes are. */
export interface MediaRef {
  mimeType: string;
  fileName?: string;
  size?: number;
  sha256?: string;
  data?: Buffer;
  url?: string;
  providerMediaId?: string;
}

/** The other party: the sender of an inbound message, the recipient of an outbound one. */
export interface ContactRef {
  address: string;
  name?: string;
  /** Other forms of the same person on this channel (WhatsApp LID and phone JIDs, a Signal UUID). */
  aliases?: string[];
}

export interface MessageEvent {
  kind: 'message';
  accountId: AccountId;
  providerMessageId: ProviderMessageId;
  /** outbound: sent by the firm outside Matterline (the linked phone) and seen by the bridge. */
  direction: 'inbound' | 'outbound';
  chat: { externalId: string; kind: 'direct' | 'group'; title?: string };
  contact?: ContactRef;
  messageKind: MessageKind;
  text?: string;
  /** When the platform says the message was sent: the clock for business hours and response times. */
  sentAt: Date;
  media?: MediaRef[];
  replyToProviderId?: string;
  /** The message an edit, deletion or reaction applies to. */
  relatesToProviderId?: string;
  /** Arrived by history sync or reconnect replay. */
  backfilled?: boolean;
  /** The payload as the platform sent it, kept in the record. */
  raw: unknown;
}

export type ReceiptStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface ReceiptEvent {
  kind: 'receipt';
  accountId: AccountId;
  providerMessageId: ProviderMessageId;
  /**
   * Matterline's own id of the message, when the provider echoes it (Cloud API biz_opaque_callback_data, a Twilio
   * status callback's URL): places the receipt even when the send's answer, with the provider id, was never read.
   */
  clientMessageId?: string;
  /**
   * Who acknowledged which send, for channels that echo no id of ours (Signal: the recipient and the send's timestamp).
   * An unknown-outcome send to that contact, stored before that time and still unsettled after it, is the one; only a
   * single such send is settled this way.
   */
  sentTo?: { address: string; sentAt: Date };
  status: ReceiptStatus;
  at: Date;
  error?: string;
  raw: unknown;
}

export type AccountHealth =
  | 'linking'
  | 'connecting'
  | 'connected'
  | 'disconnected'
  | 'logged_out'
  | 'banned'
  | 'rate_limited'
  | 'paused'
  | 'needs_attention';

export interface AccountStateEvent {
  kind: 'state';
  accountId: AccountId;
  state: AccountHealth;
  reason?: string;
  qrCode?: string;
}

export type BridgeEvent = MessageEvent | ReceiptEvent | AccountStateEvent;
