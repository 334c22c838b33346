import type pg from 'pg';
import { newId } from '../new-id.js';
import type { ConsentState } from './consent-machine.js';

export interface RecordConsentChangeOptions {
  identityId: string;
  from: ConsentState;
  to: ConsentState;
  /** keyword | free_text | firm | import | system | carrier (the provider reported an opt-out at the carrier) */
  source: string;
  channel: string;
  messageId?: string | null;
  text?: string | null;
  actorUserId?: string | null;
  note?: string | null;
  /** The caller already moved the contact's state (in a statement of its own); only the evidence is written. */
  stateAlreadySet?: boolean;
}

/** Moves a contact's consent and keeps the evidence: which message, what it said, on which channel, who or what. */
export async function recordConsentChange(client: pg.ClientBase, options: RecordConsentChangeOptions): Promise<void> {
  if (options.from !== options.to && !options.stateAlreadySet) {
    await client.query(
      `UPDATE "ContactIdentity" SET "consentState" = $2::"ConsentState", "consentUpdatedAt" = now() WHERE id = $1`,
      [options.identityId, options.to],
    );
  }
  await client.query(
    `INSERT INTO "ConsentEvent" (id, "identityId", "fromState", "toState", source, "messageId", text, channel, "actorUserId", note)
     VALUES ($1, $2, $3::"ConsentState", $4::"ConsentState", $5, $6, $7, $8::"ChannelKind", $9, $10)`,
    [
      newId(),
      options.identityId,
      options.from,
      options.to,
      options.source,
      options.messageId ?? null,
      options.text ?? null,
      options.channel,
      options.actorUserId ?? null,
      options.note ?? null,
    ],
  );
}

/** STOP takes effect before the next send: every held or queued message to the contact is cancelled. */
export async function cancelPendingSends(client: pg.ClientBase, identityId: string, reason: string): Promise<number> {
  const cancelled = await client.query(
    `UPDATE "Message" SET status = 'cancelled', error = $2
      WHERE "identityId" = $1 AND direction = 'outbound' AND status IN ('scheduled', 'queued')`,
    [identityId, reason],
  );
  return cancelled.rowCount ?? 0;
}
