// What the core needs from the outside, as interfaces the composition roots fill in. The core never imports the
// queue, the web server or a bridge.

/** A unit of work recorded in the Outbox table: the deterministic job id makes replays harmless. */
export interface OutboxJob {
  jobName: JobName;
  jobId: string;
  /** What the job works on: { messageId } for message jobs, { attachmentId } for media. */
  payload: Record<string, string>;
  /** Not before this instant (held sends); absent means now. */
  runAfter?: Date;
}

export type JobName = 'inbound' | 'send' | 'media' | 'reminder' | 'notice' | 'webhook';

export interface WorkDispatcher {
  /**
   * Queues jobs already recorded in the outbox. Called after the transaction that wrote them committed. It may fail
   * (the queue is down): the outbox sweeper queues them later, so callers log the failure and carry on.
   */
  dispatch(jobs: readonly OutboxJob[]): Promise<void>;
}

/** A change the inbox shows live. Delivery is best effort: a client that missed one reloads from the record. */
export type LiveEvent =
  /** A message is in the record (published right after the capture commits). */
  | { type: 'message.created'; firmId: string; conversationId: string; messageId: string }
  /** Its processing committed: consent, hours and automated answers it caused are in the record. */
  | { type: 'message.processed'; firmId: string; conversationId: string; messageId: string }
  | { type: 'message.status'; firmId: string; conversationId: string; messageId: string; status: string }
  /** The conversation itself changed: filed under a matter, assigned, done or reopened, snoozed, a note added. */
  | { type: 'conversation.updated'; firmId: string; conversationId: string; change: string };

export interface LivePublisher {
  publish(event: LiveEvent): Promise<void>;
  /** Several events in as few deliveries as the transport allows (a commit's messages); absent: one publish each. */
  publishAll?(events: readonly LiveEvent[]): Promise<void>;
}

/** Publishes a commit's events together where the publisher can (one delivery instead of one per message). */
export async function publishLive(live: LivePublisher, events: readonly LiveEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (events.length > 1 && live.publishAll) return live.publishAll(events);
  await Promise.all(events.map((event) => live.publish(event)));
}

/** The outbound half of a bridge, as the send job sees it. */
export interface OutboundTransport {
  /**
   * Sends one message through the account's connection and returns the provider's id. `clientMessageId` is our
   * message id; transports that can pass it to the provider make a resend after a crash harmless.
   */
  send(request: OutboundRequest): Promise<{ providerMessageId: string }>;
  /** True when sending the same clientMessageId twice delivers once. */
  idempotentSends(accountId: string): Promise<boolean>;
}

/** Where a media item's bytes are, as the provider described them. */
export interface MediaLocation {
  url?: string;
  providerMediaId?: string;
  mimeType?: string;
}

/** Fetches media through the account's channel (provider ids and authenticated URLs need the channel's credentials). */
export interface MediaFetcher {
  downloadMedia(accountId: string, location: MediaLocation): Promise<{ data: Buffer; mimeType: string }>;
}

export interface OutboundRequest {
  accountId: string;
  clientMessageId: string;
  to: string;
  text?: string;
  /** Send this approved template instead of free text. */
  template?: { name: string; language: string };
  /** Files stored with the message (Attachment rows), sent with it in order; the text is their caption. */
  attachments?: OutboundAttachment[];
}

/** A file of an outbound message as the record keeps it; its bytes are read from the blob store by sha256. */
export interface OutboundAttachment {
  id: string;
  fileName: string | null;
  mimeType: string;
  size: number;
  sha256: string;
}
