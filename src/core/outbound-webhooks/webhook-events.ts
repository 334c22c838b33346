/**
 * What a firm's case-management system can be told of (docs/WEBHOOKS.md documents each payload). Each is recorded by
 * a trigger in the transaction of the change (migration reminders_notices_webhooks).
 */
export const webhookEvents = ['message.captured', 'consent.changed', 'time_entry.approved', 'conversation.assigned'] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** The body every delivery carries; `data` depends on the event. */
export interface WebhookEnvelope {
  /** The delivery's id: the same on every retry, so the receiver can drop a repeat. */
  id: string;
  event: WebhookEvent;
  /** When the change was recorded. */
  occurredAt: string;
  firmId: string;
  data: Record<string, unknown>;
}
