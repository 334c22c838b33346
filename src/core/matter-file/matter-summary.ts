import type pg from 'pg';

export interface MatterSummary {
  id: string;
  number: string;
  title: string;
  practiceArea: string | null;
  status: string;
  billingType: string;
  openedAt: Date;
  closedAt: Date | null;
  client: { id: string; name: string; language: string | null };
  /** The firm's time zone: the file states its times in it. */
  timeZone: string;
  members: { userId: string; name: string; email: string; role: string }[];
  legalHold: { reason: string | null; placedById: string | null; placedAt: Date | null } | null;
  conversations: {
    id: string;
    kind: string;
    title: string | null;
    channel: string;
    accountId: string;
    privilegeRisk: boolean;
    contact: { identityId: string; address: string; displayName: string | null; consentState: string; blocked: boolean } | null;
  }[];
}

interface Row extends Omit<MatterSummary, 'legalHold'> {
  legalHold: boolean;
  legalHoldReason: string | null;
  legalHoldById: string | null;
  legalHoldAt: Date | null;
}

/**
 * A matter's heading of its file: the matter, its client, members, legal hold and conversations with their contacts.
 * Callers check access first (canAccessMatter); this reads whatever it is given.
 */
export async function loadMatterSummary(db: pg.Pool | pg.ClientBase, matterId: string): Promise<MatterSummary | null> {
  const found = await db.query<Row>(
    `SELECT m.id, m.number, m.title, m."practiceArea", m.status, m."billingType", m."openedAt", m."closedAt", f."timeZone",
            m."legalHold", m."legalHoldReason", m."legalHoldById", m."legalHoldAt",
            json_build_object('id', cl.id, 'name', cl.name, 'language', cl.language) AS client,
            COALESCE((SELECT json_agg(json_build_object('userId', u.id, 'name', u.name, 'email', u.email, 'role', mm.role) ORDER BY u.name, u.id)
                        FROM "MatterMember" mm JOIN "User" u ON u.id = mm."userId" WHERE mm."matterId" = m.id), '[]') AS members,
            COALESCE((SELECT json_agg(json_build_object(
                        'id', c.id, 'kind', c.kind, 'title', c.title, 'channel', a.kind, 'accountId', c."accountId",
                        'privilegeRisk', c."privilegeRisk",
                        'contact', CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object('identityId', i.id, 'address', i.address,
                                     'displayName', i."displayName", 'consentState', i."consentState", 'blocked', i.blocked) END)
                        ORDER BY c."createdAt", c.id)
                        FROM "Conversation" c JOIN "ChannelAccount" a ON a.id = c."accountId"
                        LEFT JOIN "ContactIdentity" i ON i.id = c."identityId"
                       WHERE c."matterId" = m.id), '[]') AS conversations
       FROM "Matter" m JOIN "Client" cl ON cl.id = m."clientId" JOIN "Firm" f ON f.id = m."firmId"
      WHERE m.id = $1`,
    [matterId],
  );
  const row = found.rows[0];
  if (!row) return null;
  const { legalHold, legalHoldReason, legalHoldById, legalHoldAt, ...summary } = row;
  return { ...summary, legalHold: legalHold ? { reason: legalHoldReason, placedById: legalHoldById, placedAt: legalHoldAt } : null };
}
