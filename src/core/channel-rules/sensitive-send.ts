import type pg from 'pg';
import type { RecordConsentChangeOptions } from '../consent/record-consent-change.js';
import { recordConsentChange } from '../consent/record-consent-change.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { FirmSettings } from '../firm-settings.js';
import type { ChannelKindName } from '../search/search-filters.js';
import type { SensitiveFinding } from './sensitive-data.js';
import { findSensitiveData } from './sensitive-data.js';

// Before a lawyer's message goes over a channel the firm counts as insecure (SMS always; others the firm names), it
// is read for card numbers, SSNs, passport and bank numbers and attached identity documents (sensitive-data.ts).
// Found: the firm's policy forbids the send (409, naming what was found and the secure ways to send it), or the
// sender is warned (409, the same) and may send once the client has agreed to receive such data this way; that
// informed consent is kept in the consent ledger with its evidence, before the message is stored.

const channelNames: Record<ChannelKindName, string> = {
  twilio: 'SMS',
  signal: 'Signal',
  whatsapp_cloud: 'WhatsApp',
  baileys: 'WhatsApp',
  whatsapp_web: 'WhatsApp',
  simulator: 'the simulator',
};

/** SMS is never secure (carriers and phones keep it in clear); a firm can count more channels as insecure. */
export function isInsecureChannel(kind: ChannelKindName, settings: FirmSettings): boolean {
  return kind === 'twilio' || settings.insecureChannels.includes(kind);
}

export interface SecureAlternative {
  conversationId: string | null;
  identityId: string;
  channel: string;
  accountName: string;
  address: string;
}

export interface SensitiveSendInput {
  conversation: { identityId: string | null; clientId: string | null; firmId: string };
  kind: ChannelKindName;
  settings: FirmSettings;
  text: string | undefined;
  fileNames: readonly (string | null | undefined)[];
  /** The client's agreement to receive this over the insecure channel, in the sender's words (how and when they agreed). */
  consentEvidence: string | undefined;
  actorUserId: string;
}

/**
 * Throws the 409 that stops an insecure send of sensitive data, or records the client's informed consent and lets it
 * go. Returns what was found (empty: nothing sensitive, or a secure channel).
 */
export async function checkSensitiveSend(pool: pg.Pool, input: SensitiveSendInput): Promise<SensitiveFinding[]> {
  if (!isInsecureChannel(input.kind, input.settings)) return [];
  const findings = findSensitiveData({ text: input.text ?? null, fileNames: input.fileNames });
  if (findings.length === 0) return [];
  const channel = channelNames[input.kind];
  const what = findings.map((f) => f.label).join('; ');
  const alternatives = await secureAlternatives(pool, input);
  const elsewhere =
    alternatives.length > 0
      ? `send it on ${[...new Set(alternatives.map((a) => a.channel))].join(' or ')}, where the client also writes, or by another route`
      : 'send it by another route (a secure portal, a call, in person)';
  const details = { reason: 'sensitive_data', channel, findings, alternatives, policy: input.settings.sensitiveDataPolicy };
  if (input.settings.sensitiveDataPolicy === 'forbid') {
    throw new AppError('conflict', `The firm does not allow ${what} over ${channel}: ${elsewhere}.`, { ...details, reason: 'sensitive_data_forbidden' });
  }
  if (!input.consentEvidence) {
    throw new AppError('conflict', `This message holds ${what}, and ${channel} is not secure: ${elsewhere}, or send it here only if the client agreed to receive it this way, saying how they agreed.`, details);
  }
  if (!input.conversation.identityId) {
    throw new AppError('conflict', `This message holds ${what}, and a group on ${channel} has no one client to agree to it: ${elsewhere}.`, details);
  }
  const identityId = input.conversation.identityId;
  await withTransaction(pool, async (client) => {
    const state = await client.query<{ consentState: RecordConsentChangeOptions['to'] }>(`SELECT "consentState" FROM "ContactIdentity" WHERE id = $1`, [identityId]);
    const current = state.rows[0]?.consentState;
    if (!current) throw new AppError('not_found', 'the conversation has no contact');
    // The consent ledger's own kind of entry: the contact's state does not change; the agreement and its evidence are kept.
    await recordConsentChange(client, {
      identityId,
      from: current,
      to: current,
      source: 'sensitive_data',
      channel: input.kind,
      actorUserId: input.actorUserId,
      text: input.consentEvidence,
      note: `The client agreed to receive ${what} over ${channel}, knowing it is not a secure channel.`,
    });
  });
  return findings;
}

/** The client's other numbers on channels the firm counts as secure, where they have opted in and are not blocked. */
async function secureAlternatives(pool: pg.Pool, input: SensitiveSendInput): Promise<SecureAlternative[]> {
  if (!input.conversation.clientId) return [];
  const found = await pool.query<{ identityId: string; kind: ChannelKindName; accountName: string; address: string; conversationId: string | null }>(
    `SELECT i.id AS "identityId", a.kind, a.name AS "accountName", i.address,
            (SELECT c.id FROM "Conversation" c WHERE c."identityId" = i.id ORDER BY c."lastMessageAt" DESC NULLS LAST LIMIT 1) AS "conversationId"
       FROM "ContactIdentity" i JOIN "ChannelAccount" a ON a.id = i."accountId"
      WHERE i."clientId" = $1 AND i."firmId" = $2 AND i."consentState" = 'opted_in' AND NOT i.blocked
      ORDER BY a.name, i.address`,
    [input.conversation.clientId, input.conversation.firmId],
  );
  return found.rows
    .filter((row) => !isInsecureChannel(row.kind, input.settings))
    .map((row) => ({ conversationId: row.conversationId, identityId: row.identityId, channel: channelNames[row.kind], accountName: row.accountName, address: row.address }));
}
