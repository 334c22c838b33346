import type { Database } from '../../db/prisma.js';
import { insertOutboundMessage } from '../capture-outbound.js';
import { AppError } from '../errors.js';
import type { WorkDispatcher } from '../ports.js';
import { loadTemplate } from '../templates/load-template.js';
import { renderTemplate } from '../templates/render-template.js';
import { withTransaction } from '../transaction.js';
import type { ConsentState } from './consent-machine.js';
import { recordConsentChange } from './record-consent-change.js';
import { readFirmSettings } from '../firm-settings.js';

interface Row {
  identityId: string;
  address: string;
  consentState: ConsentState;
  blocked: boolean;
  consentRequestedAt: Date | null;
  language: string | null;
  clientLanguage: string | null;
  clientName: string | null;
  firmId: string;
  firmName: string;
  defaultLanguage: string;
  settings: unknown;
  accountId: string;
  kind: string;
}

/** A person asks a client for consent from the inbox (the firm's manual mode, or a new matter). At most once a day. */
export async function sendConsentRequest(options: {
  db: Database;
  dispatcher: WorkDispatcher;
  conversationId: string;
  userId: string;
}): Promise<{ messageId: string }> {
  const outcome = await withTransaction(options.db.pool, async (client) => {
    const found = await client.query<Row>(
      `SELECT i.id AS "identityId", i.address, i."consentState", i.blocked, i."consentRequestedAt", i.language,
              cl.language AS "clientLanguage", cl.name AS "clientName", f.id AS "firmId", f.name AS "firmName",
              f."defaultLanguage", f.settings, c."accountId", a.kind
         FROM "Conversation" c
         JOIN "ContactIdentity" i ON i.id = c."identityId"
         JOIN "ChannelAccount" a ON a.id = c."accountId"
         JOIN "Firm" f ON f.id = c."firmId"
         LEFT JOIN "Client" cl ON cl.id = i."clientId"
        WHERE c.id = $1 FOR UPDATE OF i`,
      [options.conversationId],
    );
    const row = found.rows[0];
    if (!row) throw new AppError('not_found', 'no such conversation', { conversationId: options.conversationId });
    if (row.blocked) throw new AppError('conflict', 'this contact is blocked; nothing is sent to it', { state: 'blocked' });
    if (row.consentState === 'opted_in') throw new AppError('conflict', 'this client has already opted in', { state: row.consentState });
    if (row.consentState === 'opted_out') {
      throw new AppError('conflict', 'this client opted out; only the client can opt in again (reply START)', { state: row.consentState });
    }
    if (row.consentRequestedAt && row.consentRequestedAt.getTime() > Date.now() - 24 * 3600_000) {
      throw new AppError('rate_limited', `a consent request was sent at ${row.consentRequestedAt.toISOString()}; ask again after 24 hours`, {
        state: row.consentState,
      });
    }
    const known = row.language ?? row.clientLanguage ?? row.defaultLanguage;
    const language = known === 'es' ? 'es' : 'en';
    const body = await loadTemplate(client, row.firmId, 'consent_request', language);
    const text = renderTemplate(body, {
      firm: row.firmName,
      client_name: row.clientName ?? undefined,
      help_contact: readFirmSettings(row.settings).helpContact,
    });
    await client.query(`UPDATE "ContactIdentity" SET "consentRequestedAt" = now() WHERE id = $1`, [row.identityId]);
    await recordConsentChange(client, {
      identityId: row.identityId,
      from: row.consentState,
      to: 'requested',
      source: 'firm',
      channel: row.kind,
      actorUserId: options.userId,
      note: 'Consent request sent by a person from the inbox.',
    });
    return insertOutboundMessage(client, {
      target: { conversationId: options.conversationId, identityId: row.identityId, firmId: row.firmId, accountId: row.accountId, address: row.address },
      text,
      purpose: 'consent_request',
      authorUserId: options.userId,
    });
  });
  await options.dispatcher.dispatch(outcome.jobs).catch(() => undefined);
  return { messageId: outcome.messageId };
}
