import type { Database } from '../db/prisma.js';
import type { CaptureOutboundResult } from './capture-outbound.js';
import { captureOutbound } from './capture-outbound.js';
import { AppError } from './errors.js';
import { readFirmSettings } from './firm-settings.js';
import { isOpen, nextOpening } from './hours/business-hours.js';
import { loadBusinessHours } from './hours/load-business-hours.js';
import type { WorkDispatcher } from './ports.js';
import type { ChannelKindName } from './bridge-events.js';
import { approvedTemplatesOf } from './channel-rules/approved-templates.js';
import { checkTextLength } from './channel-rules/text-limits.js';
import { consentGate, sendGate } from './send-gate.js';

export interface RequestSendOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  conversationId: string;
  /** Free text, or (for channels that need one, such as WhatsApp after 24 hours) an approved template. */
  text?: string;
  template?: { name: string; language: string };
  authorUserId: string;
  idempotencyKey?: string;
  /** What to do while the office is closed; absent: the firm's policy. */
  whenClosed?: 'send_now' | 'hold';
  now?: Date;
  onDispatchError?: (error: unknown) => void;
}

export interface RequestSendResult extends CaptureOutboundResult {
  /** Set when the message is held until the office opens. */
  heldUntil: Date | null;
}

/**
 * A lawyer's message from the inbox: refused unless the client opted in (409 consent_required with the state), held
 * until the next opening when the office is closed and the lawyer or the firm's policy says so, else queued now.
 */
export async function requestSend(options: RequestSendOptions): Promise<RequestSendResult> {
  const now = options.now ?? new Date();
  const found = await options.db.pool.query<{ firmId: string; accountId: string; settings: unknown; kind: string; config: Record<string, unknown> }>(
    `SELECT c."firmId", c."accountId", f.settings, a.kind, a.config
       FROM "Conversation" c JOIN "Firm" f ON f.id = c."firmId" JOIN "ChannelAccount" a ON a.id = c."accountId"
      WHERE c.id = $1`,
    [options.conversationId],
  );
  const conversation = found.rows[0];
  if (!conversation) throw new AppError('not_found', 'no such conversation', { conversationId: options.conversationId });
  let text = options.text;
  if (options.template) {
    const approved = approvedTemplatesOf(conversation.config).find(
      (t) => t.name === options.template?.name && t.language === options.template.language,
    );
    if (!approved) {
      throw new AppError('bad_request', `"${options.template.name}" (${options.template.language}) is not an approved template of this account`, {
        template: options.template,
      });
    }
    text = approved.text;
  }
  if (!text) throw new AppError('bad_request', 'text or an approved template is required');
  checkTextLength(conversation.kind as ChannelKindName, text);
  const policy = options.whenClosed ?? readFirmSettings(conversation.settings).outOfHoursSends;
  let heldUntil: Date | null = null;
  if (policy === 'hold') {
    const hours = await loadBusinessHours(options.db.pool, conversation.firmId, conversation.accountId);
    if (hours && !isOpen(hours, now)) heldUntil = nextOpening(hours, now);
  }
  const result = await captureOutbound({
    db: options.db,
    dispatcher: options.dispatcher,
    to: { conversationId: options.conversationId },
    text,
    template: options.template,
    authorUserId: options.authorUserId,
    idempotencyKey: options.idempotencyKey,
    scheduledFor: heldUntil ?? undefined,
    // An approved template is exactly what may go outside the WhatsApp window; consent still applies.
    gate: options.template ? consentGate : sendGate,
    onDispatchError: options.onDispatchError,
  });
  return { ...result, heldUntil: result.status === 'scheduled' ? heldUntil : null };
}
