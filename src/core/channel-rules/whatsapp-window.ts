import type { ChannelKindName } from '../bridge-events.js';

// WhatsApp Business (Cloud API) lets a business send free text only within 24 hours of the customer's last message
// (the customer-service window); outside it only approved templates go out, and the API refuses free text with
// error 131047. Checking before queueing tells the lawyer at once instead of failing the send later.

export const whatsappWindowMs = 24 * 60 * 60 * 1000;

/** The channels whose provider enforces a customer-service window. */
const windowedKinds: ReadonlySet<ChannelKindName> = new Set(['whatsapp_cloud']);

export interface FreeTextAllowedOptions {
  kind: ChannelKindName;
  /** The contact's last inbound message on this conversation (Conversation.lastInboundAt); null when never. */
  lastInboundAt: Date | null;
  now: Date;
}

export const isWindowed = (kind: ChannelKindName) => windowedKinds.has(kind);

/**
 * When the open window closes, for the inbox to show; null when the channel has no window or the contact never wrote
 * (then only templates may go out).
 */
export function windowClosesAt(options: Omit<FreeTextAllowedOptions, 'now'>): Date | null {
  if (!isWindowed(options.kind) || !options.lastInboundAt) return null;
  return new Date(options.lastInboundAt.getTime() + whatsappWindowMs);
}

/**
 * Whether a free-text (non-template) message may be sent now. Unwindowed channels always allow it; WhatsApp Cloud
 * allows it for 24 hours after the last inbound message (the closing instant itself is outside).
 */
export function freeTextAllowed(options: FreeTextAllowedOptions): boolean {
  if (!isWindowed(options.kind)) return true;
  const closesAt = windowClosesAt(options);
  return closesAt !== null && options.now.getTime() < closesAt.getTime();
}
