import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// The capture function (matterline_capture_messages) runs on PL/pgSQL's cached generic plans (issue 18: planning each
// statement on every call cost a third of history sync's time). A generic plan is made once per connection, often
// while the tables are empty, and kept as they grow: each lookup of the function must then have exactly one index that
// serves it, whatever the statistics say. Checked here on empty tables, the worst case, as PostgreSQL plans them.
describe('the capture function\'s lookups under generic plans', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // As the function runs: generic plans, sequential scans forbidden (its own setting).
    await client.query(`SET plan_cache_mode = force_generic_plan`);
    await client.query(`SET enable_seqscan = off`);
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  const planOf = async (sql: string, types: string[], values: string[]): Promise<string> => {
    const name = `p${Math.random().toString(36).slice(2, 8)}`;
    await client.query(`PREPARE ${name}(${types.join(', ')}) AS ${sql}`);
    const explained = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${name}(${values.map((v) => `'${v}'`).join(', ')})`);
    await client.query(`DEALLOCATE ${name}`);
    return explained.rows.map((row) => row['QUERY PLAN']).join('\n');
  };

  it('finds a message by its provider id through the (accountId, providerMessageId) index, never by account alone', async () => {
    const plan = await planOf(`SELECT id FROM "Message" WHERE "accountId" = $1 AND "providerMessageId" = $2`, ['text', 'text'], ['a', 'wamid.1']);
    expect(plan).toMatch(/Index Scan using "Message_accountId_providerMessageId_key"/);
    expect(plan).toMatch(/Index Cond: \(\("accountId" = \$1\) AND \("providerMessageId" = \$2\)\)/);
  });

  it('finds a contact by its address and a conversation by its chat id or its contact through their own indexes', async () => {
    expect(await planOf(`SELECT id FROM "ContactIdentity" WHERE "accountId" = $1 AND address = $2`, ['text', 'text'], ['a', '+1'])).toMatch(
      /Index Scan using "ContactIdentity_accountId_address_key"[\s\S]*Index Cond: \(\("accountId" = \$1\) AND \(address = \$2\)\)/,
    );
    expect(await planOf(`SELECT id FROM "Conversation" WHERE "accountId" = $1 AND "externalId" = $2`, ['text', 'text'], ['a', '+1'])).toMatch(
      /Index Scan using "Conversation_accountId_externalId_key"[\s\S]*Index Cond: \(\("accountId" = \$1\) AND \("externalId" = \$2\)\)/,
    );
    expect(
      await planOf(`SELECT id FROM "Conversation" WHERE "accountId" = $1 AND kind = 'direct' AND "identityId" = $2 ORDER BY "createdAt" LIMIT 1`, ['text', 'text'], ['a', 'i']),
    ).toMatch(/Index Scan using "Conversation_identityId_idx"/);
  });

  it('keeps the idempotency key unique per account, in a partial index that only a lookup by key can use', async () => {
    const plan = await planOf(`SELECT id FROM "Message" WHERE "accountId" = $1 AND "idempotencyKey" = $2`, ['text', 'text'], ['a', 'k']);
    expect(plan).toMatch(/Message_accountId_idempotencyKey_key/);
    const definition = await client.query<{ def: string }>(`SELECT pg_get_indexdef('"Message_accountId_idempotencyKey_key"'::regclass) AS def`);
    expect(definition.rows[0]!.def).toMatch(/UNIQUE INDEX .* WHERE \("idempotencyKey" IS NOT NULL\)$/);
    const settings = await client.query<{ proconfig: string[] | null }>(`SELECT proconfig FROM pg_proc WHERE proname = 'matterline_capture_messages'`);
    expect(settings.rows[0]!.proconfig).toEqual(['enable_seqscan=off']);
  });
});
