import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// When a contact's language is learnt, their earlier messages are indexed again for search in it, but only when that
// changes the search configuration, and found through their own index (issue 18: it was a sequential scan of every
// message of the firm for each contact, which took capture at saturation on a record of 1,000,000 messages to a sixth).
describe('indexing a contact\'s messages again when their language is learnt', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  const address = '+15550199001';

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    // History from a number with no client yet (so no language): captured and indexed in English, nothing learnt.
    for (const text of ['Ayer presentamos las demandas', 'Nos demandaron por la factura', 'Gracias por todo']) {
      const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: address, text, backfilled: true }),
      });
      expect(response.status).toBe(202);
    }
    // Captured and processed (processing marks messages after hours: a write of its own, done before the tests read).
    await waitFor(
      async () =>
        (
          await app.db.pool.query(
            `SELECT 1 FROM "Message" m JOIN "ContactIdentity" i ON i.id = m."identityId" JOIN "ProcessedJob" p ON p."jobId" = 'inbound-' || m.id WHERE i.address = $1`,
            [address],
          )
        ).rowCount === 3,
      { what: 'the history to be captured and processed' },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const messages = async () =>
    (
      await app.db.pool.query<{ id: string; version: string; searchConfig: string }>(
        `SELECT m.id, m.xmin::text AS version, m."searchConfig" FROM "Message" m JOIN "ContactIdentity" i ON i.id = m."identityId"
          WHERE i.address = $1 ORDER BY m.id`,
        [address],
      )
    ).rows;

  it('writes nothing when the language learnt keeps the configuration the messages were indexed in', async () => {
    const before = await messages();
    expect(before.map((m) => m.searchConfig)).toEqual(['english', 'english', 'english']);
    await app.db.pool.query(`UPDATE "ContactIdentity" SET language = 'en' WHERE address = $1`, [address]);
    // The same row versions: no message was written again.
    expect(await messages()).toEqual(before);
  });

  it('indexes them again in the new configuration when it changes, so that a Spanish search stems them', async () => {
    const before = await messages();
    await app.db.pool.query(`UPDATE "ContactIdentity" SET language = 'es' WHERE address = $1`, [address]);
    const after = await messages();
    expect(after.map((m) => m.searchConfig)).toEqual(['spanish', 'spanish', 'spanish']);
    expect(after.map((m) => m.version)).not.toEqual(before.map((m) => m.version));
    const stemmed = await app.db.pool.query(
      `SELECT count(*)::int AS n FROM "Message" WHERE "searchVector" @@ to_tsquery('spanish', 'demanda') AND "identityId" = (SELECT id FROM "ContactIdentity" WHERE address = $1)`,
      [address],
    );
    expect(stemmed.rows[0]!.n).toBe(2);
  });

  it('finds a contact\'s messages through an index, never by reading every message', async () => {
    const client = await app.db.pool.connect();
    try {
      await client.query(`SET enable_seqscan = off`);
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT m.id FROM "Message" m WHERE m."identityId" = 'some-contact' AND m.language IS NULL`);
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Message_identityId_idx/);
    } finally {
      await client.query(`RESET enable_seqscan`);
      client.release();
    }
  });
});
