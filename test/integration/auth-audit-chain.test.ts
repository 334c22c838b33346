import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/core/audit/record-audit.js';
import { verifyAuditChain } from '../../src/core/audit/verify-audit-chain.js';
import { withTransaction } from '../../src/core/transaction.js';
import type { Database } from '../../src/db/prisma.js';
import { openDatabase } from '../../src/db/prisma.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// The audit log is append-only by convention and hash-chained so that breaking the convention shows.
describe('the hash-chained audit log', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ url: database.url, max: 20 });
    // These tests play a superuser tampering with the log, which first has to switch off the append-only trigger
    // (on this test's own database only); test/integration/audit-verify-cli.test.ts checks the trigger itself.
    await db.pool.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  const event = (n: number) => ({
    firmId: null,
    actorKind: 'system' as const,
    action: 'test.event',
    subjectType: 'test',
    subjectId: String(n),
    // Keys out of order, nested, and a value jsonb normalizes: the hash must survive the round trip.
    details: { z: n, a: { y: [1, 'two', null, { b: true, a: 1.5 }], x: 'ünïcode ✓' }, skipped: undefined },
  });

  it('verifies an empty log', async () => {
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, count: 0 });
  });

  it('keeps one unbroken chain under 40 concurrent appends', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, n) => recordAudit(db.pool, event(n))));
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, count: 40 });
    const links = await db.pool.query<{ prevHash: string }>(`SELECT "prevHash" FROM "AuditEvent"`);
    // A fork would show as two rows linking to the same predecessor.
    expect(new Set(links.rows.map((row) => row.prevHash)).size).toBe(40);
  });

  it('commits and rolls back with the caller transaction, and refuses a client outside a transaction', async () => {
    await withTransaction(db.pool, async (client) => {
      await recordAudit(client, event(100));
    });
    await expect(
      withTransaction(db.pool, async (client) => {
        await recordAudit(client, event(101));
        throw new Error('the change it describes failed');
      }),
    ).rejects.toThrow('the change it describes failed');
    const client = await db.pool.connect();
    try {
      await expect(recordAudit(client, event(102))).rejects.toThrow(/SAVEPOINT/);
    } finally {
      client.release();
    }
    const subjects = await db.pool.query(`SELECT "subjectId" FROM "AuditEvent" WHERE "subjectId" IN ('100', '101', '102')`);
    expect(subjects.rows).toEqual([{ subjectId: '100' }]);
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, count: 41 });
  });

  it('names the row whose content was changed with superuser SQL', async () => {
    const target = await db.pool.query<{ id: string }>(`SELECT id::text AS id FROM "AuditEvent" ORDER BY "AuditEvent".id OFFSET 10 LIMIT 1`);
    const id = target.rows[0]!.id;
    await db.pool.query(`UPDATE "AuditEvent" SET details = jsonb_set(details, '{z}', '999') WHERE id = $1`, [id]);
    const verdict = await verifyAuditChain(db.pool);
    expect(verdict).toMatchObject({ ok: false, brokenAtId: id, count: 11 });
    expect(verdict.ok === false && verdict.reason).toMatch(/content was changed/);
  });

  it('names the next row when a tamperer also rewrites the changed row hash', async () => {
    // Repair the previous test's damage the way a careful tamperer would: recompute that row's own hash.
    const { auditHash } = await import('../../src/core/audit/audit-hash.js');
    const rows = await db.pool.query<{ id: string; prevHash: string; details: unknown; createdAt: Date }>(
      `SELECT id::text AS id, "prevHash", details, "createdAt" FROM "AuditEvent" ORDER BY "AuditEvent".id OFFSET 10 LIMIT 2`,
    );
    const [changed, next] = rows.rows;
    const rehashed = auditHash(changed!.prevHash, {
      firmId: null,
      actorUserId: null,
      actorKind: 'system',
      action: 'test.event',
      subjectType: 'test',
      subjectId: await db.pool.query<{ s: string }>(`SELECT "subjectId" AS s FROM "AuditEvent" WHERE id = $1`, [changed!.id]).then((r) => r.rows[0]!.s),
      details: changed!.details,
      createdAt: changed!.createdAt,
    });
    await db.pool.query(`UPDATE "AuditEvent" SET hash = $2 WHERE id = $1`, [changed!.id, rehashed]);
    expect(await verifyAuditChain(db.pool)).toMatchObject({ ok: false, brokenAtId: next!.id, count: 12 });

  });

  it('names the row after a deleted one', async () => {
    await db.pool.query(`TRUNCATE "AuditEvent"`);
    for (let n = 0; n < 5; n++) await recordAudit(db.pool, event(n));
    const ids = (await db.pool.query<{ id: string }>(`SELECT id::text AS id FROM "AuditEvent" ORDER BY "AuditEvent".id`)).rows.map((r) => r.id);
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, count: 5 });
    await db.pool.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [ids[2]]);
    const verdict = await verifyAuditChain(db.pool);
    expect(verdict).toMatchObject({ ok: false, brokenAtId: ids[3], count: 3 });
    expect(verdict.ok === false && verdict.reason).toMatch(/removed, inserted or re-linked/);
  });
});
