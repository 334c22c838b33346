import type { GuardedFetcher } from '../net/guarded-fetch.js';
import type { Logger } from 'pino';
import type { BridgeEvent, ChannelKindName, RecordedEvent } from '../core/bridge-events.js';

// The contract every channel adapter implements. A bridge knows one channel and nothing of matters, consent or
// hours: it turns platform events into normalized BridgeEvents and sends what it is given.

export interface BridgeCapabilities {
  /** Media can be sent and received. */
  media: boolean;
  /** The channel reports delivered/read receipts. */
  receipts: boolean;
  /** Sending the same clientMessageId twice delivers once (the provider or the bridge dedupes). */
  idempotentSends: boolean;
  /** The platform has edits and deletions that the bridge reports as linked events. */
  edits: boolean;
}

export interface BridgeContext {
  accountId: string;
  /** The account's configuration as the admin entered it (secrets already decrypted). */
  config: Record<string, unknown>;
  logger: Logger;
  /**
   * Hands one event to the core. Resolves only after the event is durably recorded, so a bridge that acknowledges to
   * its platform after this resolves never loses a message. Rejects when recording failed: the bridge must not
   * acknowledge then (the platform redelivers, or the bridge retries). Events of one chat must be emitted in order
   * (await each); different chats may be emitted concurrently.
   */
  emit(event: BridgeEvent): Promise<RecordedEvent>;
  /**
   * The only way a bridge fetches a URL it did not build from its own configuration alone (media URLs a provider or
   * sender gave, redirects): refuses loopback, private and link-local addresses unless MATTERLINE_FETCH_ALLOW names them.
   */
  fetcher: GuardedFetcher;
}

export interface OutboundMessage {
  /** Our message id; bridges with idempotentSends pass it to the provider so a resend after a crash is harmless. */
  clientMessageId: string;
  /** The contact's address on this channel. */
  to: string;
  /** With files: their caption. */
  text?: string;
  /** Files to send with the text, within the channel's limits (core/channel-rules/media-limits.ts). */
  files?: OutboundFileData[];
}

/** A file of an outbound message: its bytes, and a signed link to it for providers that fetch what they send. */
export interface OutboundFileData {
  attachmentId: string;
  /** Path and query of a signed, expiring link to this file (GET /media/outbound/…), to put after the public origin. */
  signedPath: string;
  fileName: string;
  mimeType: string;
  data: Buffer;
}

export interface Bridge {
  readonly kind: ChannelKindName;
  readonly capabilities: BridgeCapabilities;
  /**
   * Called once when this process takes the account. Connects (or, for webhook channels, gets ready) and reports its
   * state by emitting `state` events. Must not throw for connection trouble, which is reported as state; throws only
   * for a configuration that can never work.
   */
  start(): Promise<void>;
  /** Disconnects and releases everything; safe to call twice and before start(). Never logs the account out. */
  stop(): Promise<void>;
  /**
   * Sends one message. Resolves with the provider's id once the provider accepted it. Rejects with AppError
   * 'bad_request' for a message that can never be sent (the send is marked failed), with any other error for a
   * transient failure (the send is retried).
   */
  send(message: OutboundMessage): Promise<{ providerMessageId: string }>;
}

export type BridgeFactory = (context: BridgeContext) => Bridge;
