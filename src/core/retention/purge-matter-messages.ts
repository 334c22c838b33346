import { createHash } from 'node:crypto';
import type pg from 'pg';
import { canonicalJson } from '../audit/canonical-json.js';
import { recordAudit } from '../audit/record-audit.js';
import { withTransaction } from '../transaction.js';

export interface PurgeMatterMessagesOptions {
  pool: pg.Pool;
  matterId: string;
  /** Messages captured at or before this instant go, if the matter was closed at or before it too. */
  cutoff: Date;
  retentionDays: number;
  batchSize?: number;
}

export interface PurgedMatter {
  matterId: string;
  messages: number;
  attachments: number;
  batches: number;
}

interface PurgedRow {
  id: string;
  conversationId: string;
  identityId: string | null;
  direction: string;
  kind: string;
  providerMessageId: string | null;
  text: string | null;
  editedText: string | null;
  authorUserId: string | null;
  sentAt: Date | null;
  capturedAt: Date;
  raw: unknown;
  attachments: { id: string; fileName: string | null; sha256: string | null; size: number | null; blobKey: string | null }[];
}

/** The SHA-256 of what a message said and when: the canonical JSON of its content fields (raw payload included). */
export function messageContentHash(row: Omit<PurgedRow, 'attachments'>): string {
  return createHash('sha256').update(canonicalJson(row)).digest('hex');
}

/**
 * Removes a closed matter's messages (and with them their media and receipts) captured before the cutoff, in batches.
 * Each batch is one transaction that first locks the matter row and re-reads it: a legal hold placed (or the matter
 * reopened) since the purge began stops it before anything more goes, and a hold being placed waits for the batch in
 * flight. Each batch leaves, in the same transaction, an audit event with its counts and the hash of every message
 * and file removed, so what was destroyed stays provable.
 */
export async function purgeMatterMessages(options: PurgeMatterMessagesOptions): Promise<PurgedMatter> {
  const purged: PurgedMatter = { matterId: options.matterId, messages: 0, attachments: 0, batches: 0 };
  for (;;) {
    const batch = await withTransaction(options.pool, async (client) => {
      const found = await client.query<{ firmId: string; number: string; closedAt: Date | null }>(
        `SELECT "firmId", number, "closedAt" FROM "Matter"
          WHERE id = $1 AND status = 'closed' AND NOT "legalHold" AND "closedAt" <= $2 FOR UPDATE`,
        [options.matterId, options.cutoff],
      );
      const matter = found.rows[0];
      if (!matter) return null;
      // A conversation refiled out of a matter stays held by that matter's hold: every matter its conversations were
      // ever filed under is locked against a hold being placed meanwhile, and a message under any held one is kept.
      await client.query(
        `SELECT hm.id FROM "Matter" hm
          WHERE hm.id IN (SELECT f."matterId" FROM "ConversationFiling" f JOIN "Conversation" c ON c.id = f."conversationId"
                           WHERE c."matterId" = $1 AND f."matterId" <> $1)
          ORDER BY hm.id FOR SHARE`,
        [options.matterId],
      );
      const rows = await client.query<PurgedRow>(
        `SELECT m.id, m."conversationId", m."identityId", m.direction, m.kind, m."providerMessageId", m.text, m."editedText",
                m."authorUserId", m."sentAt", m."capturedAt", m.raw,
                COALESCE((SELECT json_agg(json_build_object('id', f.id, 'fileName', f."fileName", 'sha256', f.sha256, 'size', f.size,
                            'blobKey', f."blobKey") ORDER BY f.id) FROM "Attachment" f WHERE f."messageId" = m.id), '[]') AS attachments
           FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
          WHERE c."matterId" = $1 AND m."capturedAt" <= $2
            AND NOT EXISTS (SELECT 1 FROM "ConversationFiling" f JOIN "Matter" hm ON hm.id = f."matterId"
                             WHERE f."conversationId" = m."conversationId" AND hm."legalHold")
          ORDER BY m."capturedAt", m.id LIMIT $3`,
        [options.matterId, options.cutoff, options.batchSize ?? 500],
      );
      // Internal notes written before the cutoff go too: they are part of the record, and often quote the client.
      const notes = await client.query(
        `DELETE FROM "ConversationNote" n USING "Conversation" c
          WHERE c.id = n."conversationId" AND c."matterId" = $1 AND n."createdAt" <= $2
            AND NOT EXISTS (SELECT 1 FROM "ConversationFiling" f JOIN "Matter" hm ON hm.id = f."matterId"
                             WHERE f."conversationId" = n."conversationId" AND hm."legalHold")`,
        [options.matterId, options.cutoff],
      );
      const notesRemoved = notes.rowCount ?? 0;
      if (rows.rows.length === 0 && notesRemoved === 0) return null;
      const messageHashes = rows.rows.map(({ attachments: _attachments, ...message }) => ({ id: message.id, sha256: messageContentHash(message) }));
      const attachments = rows.rows.flatMap((row) => row.attachments);
      // Hashes and sizes only: a file's name is content too (it is often the document's title).
      const attachmentHashes = attachments.map((a) => ({ id: a.id, sha256: a.sha256, size: a.size }));
      const digest = createHash('sha256').update(messageHashes.map((m) => `${m.id} ${m.sha256}\n`).join('')).digest('hex');
      const ids = rows.rows.map((row) => row.id);
      // Every copy goes with the messages. Signed webhook deliveries about them (their payloads carry the text, the
      // number and the client's name), including the consent changes they were evidence of; the consent evidence
      // keeps its event (who, when, which state) but no longer the words; the simulator phone's copy of a reply.
      const deliveries = await client.query(
        `DELETE FROM "WebhookDelivery"
          WHERE "subjectId" = ANY($1::text[]) OR "subjectId" IN (SELECT id FROM "ConsentEvent" WHERE "messageId" = ANY($1::text[]))`,
        [ids],
      );
      const evidence = await client.query(`UPDATE "ConsentEvent" SET text = NULL WHERE "messageId" = ANY($1::text[]) AND text IS NOT NULL`, [ids]);
      const phoneCopies = await client.query(`DELETE FROM "SimulatorPhoneMessage" WHERE "clientMessageId" = ANY($1::text[])`, [ids]);
      await client.query(`DELETE FROM "Notification" WHERE "messageId" = ANY($1::text[])`, [ids]);
      // Attachments, receipts and the search vector go with their messages (ON DELETE CASCADE, same row).
      await client.query(`DELETE FROM "Message" WHERE id = ANY($1::text[])`, [ids]);
      // The media bytes go too, unless another attachment still holds the same content (blobs are shared by hash).
      const blobKeys = [...new Set(attachments.flatMap((a) => (a.blobKey ? [a.blobKey] : [])))];
      const blobs = await client.query(
        `DELETE FROM "Blob" b WHERE b.id = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM "Attachment" a WHERE a."blobKey" = b.id)`,
        [blobKeys],
      );
      await recordAudit(client, {
        firmId: matter.firmId,
        actorKind: 'system',
        action: 'retention.purged',
        subjectType: 'matter',
        subjectId: options.matterId,
        details: {
          matterNumber: matter.number,
          closedAt: matter.closedAt?.toISOString() ?? null,
          retentionDays: options.retentionDays,
          cutoff: options.cutoff.toISOString(),
          messages: messageHashes.length,
          attachments: attachmentHashes.length,
          blobsRemoved: blobs.rowCount ?? 0,
          webhookDeliveriesRemoved: deliveries.rowCount ?? 0,
          consentEvidenceCleared: evidence.rowCount ?? 0,
          phoneCopiesRemoved: phoneCopies.rowCount ?? 0,
          notesRemoved,
          digest,
          messageHashes,
          attachmentHashes,
        },
      });
      return { messages: messageHashes.length, attachments: attachmentHashes.length };
    });
    if (!batch) return purged;
    purged.messages += batch.messages;
    purged.attachments += batch.attachments;
    purged.batches++;
  }
}
