import pg from 'pg';
import { withTransaction } from '../transaction.js';
import { auditHash, genesisHash } from './audit-hash.js';

export type AuditActorKind = 'user' | 'system' | 'bridge' | 'cli';

export interface AuditEventInput {
  firmId: string | null;
  actorUserId?: string | null;
  actorKind: AuditActorKind;
  /** dotted verb, e.g. `auth.login`, `conversation.thread_read`. */
  action: string;
  subjectType?: string | null;
  subjectId?: string | null;
  details?: Record<string, unknown>;
}

export interface RecordedAudit {
  id: string;
  hash: string;
}

// One chain for the whole database, so one lock key: every append waits for the one before to commit.
const chainLockKey = 7_242_031_900_117n;

/**
 * Appends one event to the hash-chained audit log. With a pool it runs in a transaction of its own; with a client it
 * must be inside the caller's transaction (a SAVEPOINT proves it, and fails loudly otherwise), so the event commits
 * or rolls back with the change it describes. pg_advisory_xact_lock serializes appends until commit, so two
 * concurrent appends can never both link to the same previous row.
 */
export async function recordAudit(db: pg.Pool | pg.ClientBase, event: AuditEventInput): Promise<RecordedAudit> {
  if (db instanceof pg.Pool) return withTransaction(db, (client) => append(client, event));
  await db.query('SAVEPOINT record_audit');
  try {
    const recorded = await append(db, event);
    await db.query('RELEASE SAVEPOINT record_audit');
    return recorded;
  } catch (error) {
    await db.query('ROLLBACK TO SAVEPOINT record_audit').catch(() => undefined);
    throw error;
  }
}

async function append(client: pg.ClientBase, event: AuditEventInput): Promise<RecordedAudit> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [chainLockKey.toString()]);
  const latest = await client.query<{ hash: string }>(`SELECT hash FROM "AuditEvent" ORDER BY id DESC LIMIT 1`);
  const prevHash = latest.rows[0]?.hash ?? genesisHash;
  // The JSON round trip leaves exactly what jsonb will give back (no undefined, no Date objects), so the hash
  // computed now is the one recomputed on verification. createdAt is set here, at the millisecond precision of the
  // column, because PostgreSQL would round now()'s microseconds.
  const details = JSON.parse(JSON.stringify(event.details ?? {})) as unknown;
  const fields = {
    firmId: event.firmId,
    actorUserId: event.actorUserId ?? null,
    actorKind: event.actorKind,
    action: event.action,
    subjectType: event.subjectType ?? null,
    subjectId: event.subjectId ?? null,
    details,
    createdAt: new Date(),
  };
  const hash = auditHash(prevHash, fields);
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO "AuditEvent" ("firmId", "actorUserId", "actorKind", action, "subjectType", "subjectId", details,
       "createdAt", "prevHash", hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text AS id`,
    [
      fields.firmId,
      fields.actorUserId,
      fields.actorKind,
      fields.action,
      fields.subjectType,
      fields.subjectId,
      JSON.stringify(details),
      fields.createdAt,
      prevHash,
      hash,
    ],
  );
  return { id: inserted.rows[0]!.id, hash };
}
