import type pg from 'pg';
import { auditHash, genesisHash } from './audit-hash.js';

export type AuditChainVerdict =
  | { ok: true; count: number }
  | { ok: false; brokenAtId: string; reason: string; count: number };

interface AuditRow {
  id: string;
  firmId: string | null;
  actorUserId: string | null;
  actorKind: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: unknown;
  createdAt: Date;
  prevHash: string;
  hash: string;
}

// Ordered by the bigint column itself: the text alias of the id would sort '10' before '2'.
const pageSize = 1000;

/**
 * Walks the audit log in id order and recomputes every link. A row whose content was changed fails its own hash; a
 * row deleted or inserted breaks the next row's prevHash. Reports the first broken row; `count` is how many rows
 * were checked up to it.
 */
export async function verifyAuditChain(pool: pg.Pool): Promise<AuditChainVerdict> {
  let expectedPrev = genesisHash;
  let afterId = '0';
  let count = 0;
  for (;;) {
    const page = await pool.query<AuditRow>(
      `SELECT a.id::text AS id, "firmId", "actorUserId", "actorKind", action, "subjectType", "subjectId", details,
              "createdAt", "prevHash", hash
         FROM "AuditEvent" a WHERE a.id > $1::bigint ORDER BY a.id LIMIT ${pageSize}`,
      [afterId],
    );
    for (const row of page.rows) {
      count++;
      if (row.prevHash !== expectedPrev) {
        return { ok: false, brokenAtId: row.id, reason: 'prevHash does not match the hash of the row before: a row was removed, inserted or re-linked', count };
      }
      if (auditHash(row.prevHash, row) !== row.hash) {
        return { ok: false, brokenAtId: row.id, reason: 'hash does not match the row: its content was changed', count };
      }
      expectedPrev = row.hash;
      afterId = row.id;
    }
    if (page.rows.length < pageSize) return { ok: true, count };
  }
}
