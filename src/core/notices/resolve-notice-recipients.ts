import type pg from 'pg';
import { mayReceive } from '../consent/consent-machine.js';
import { findMatterContact } from '../reminders/find-matter-contact.js';
import type { NoticeCriteria } from './notice-schemas.js';

interface AudienceRow {
  clientId: string;
  clientLanguage: string | null;
  matterId: string;
}

export interface ResolvedAudience {
  total: number;
  pending: number;
  skipped: number;
}

/**
 * Works out who a notice goes to and writes its recipients, in the caller's transaction, replacing any earlier list:
 * one per client who has a matter matching the criteria (the most recently opened such matter names the
 * conversation), through the client's best contact (findMatterContact). A client whose contact may not receive it
 * is listed as skipped with the reason: no_contact, consent_required, opted_out, blocked or revocation_pending.
 */
export async function resolveNoticeRecipients(
  client: pg.ClientBase,
  notice: { id: string; firmId: string; criteria: NoticeCriteria; accountId: string | null },
): Promise<ResolvedAudience> {
  const { criteria } = notice;
  const audience = await client.query<AudienceRow>(
    `SELECT DISTINCT ON (cl.id) cl.id AS "clientId", cl.language AS "clientLanguage", m.id AS "matterId"
       FROM "Client" cl JOIN "Matter" m ON m."clientId" = cl.id AND m."firmId" = cl."firmId"
      WHERE cl."firmId" = $1
        AND (cardinality($2::text[]) = 0 OR lower(m."practiceArea") = ANY($2))
        AND (cardinality($3::text[]) = 0 OR m.status::text = ANY($3))
        AND (cardinality($4::text[]) = 0
             OR EXISTS (SELECT 1 FROM unnest(m.tags || cl.tags) AS tag WHERE lower(tag) = ANY($4)))
      ORDER BY cl.id, m."openedAt" DESC, m.id`,
    [
      notice.firmId,
      criteria.practiceAreas.map((area) => area.toLowerCase()),
      criteria.matterStatuses,
      criteria.tags.map((tag) => tag.toLowerCase()),
    ],
  );
  await client.query(`DELETE FROM "NoticeRecipient" WHERE "noticeId" = $1`, [notice.id]);
  let pending = 0;
  for (const row of audience.rows) {
    const contact = await findMatterContact(client, { clientId: row.clientId, matterId: row.matterId, accountId: notice.accountId });
    const permission = contact
      ? mayReceive({ state: contact.consentState, blocked: contact.blocked, revocationPending: contact.revocationPending, purpose: 'notice' })
      : ({ ok: false, reason: 'no_contact' } as const);
    if (permission.ok) pending += 1;
    await client.query(
      `INSERT INTO "NoticeRecipient" (id, "noticeId", "clientId", "matterId", "identityId", language, state, "skippedReason")
       VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6, $7)`,
      [
        notice.id,
        row.clientId,
        row.matterId,
        contact?.identityId ?? null,
        (contact?.language ?? row.clientLanguage) === 'es' ? 'es' : 'en',
        permission.ok ? 'pending' : 'skipped',
        permission.ok ? null : permission.reason,
      ],
    );
  }
  return { total: audience.rows.length, pending, skipped: audience.rows.length - pending };
}
