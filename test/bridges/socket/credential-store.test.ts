import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCredentialStore } from '../../../src/core/credentials/postgres-credential-store.js';
import { createKeyring } from '../../../src/core/crypto/secret-box.js';
import type { TestDatabase } from '../../support/test-database.js';
import { createTestDatabase } from '../../support/test-database.js';
import { applyMigrations } from '../../../src/db/migrate.js';

// The store socket bridges keep their sessions in: encrypted rows in BridgeCredential, never files.

describe('the PostgreSQL credential store', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const accounts: string[] = [];
  const keyring = createKeyring(randomBytes(32));

  beforeAll(async () => {
    database = await createTestDatabase();
    await applyMigrations({ databaseUrl: database.url });
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    const firm = await pool.query<{ id: string }>(`INSERT INTO "Firm" (id, name, slug) VALUES ($1, 'Store LLP', $2) RETURNING id`, [
      `firm-${randomBytes(4).toString('hex')}`,
      `store-${randomBytes(4).toString('hex')}`,
    ]);
    for (const name of ['a', 'b']) {
      const id = `acct-${name}-${randomBytes(4).toString('hex')}`;
      await pool.query(`INSERT INTO "ChannelAccount" (id, "firmId", kind, name) VALUES ($1, $2, 'baileys', $3)`, [id, firm.rows[0]!.id, name]);
      accounts.push(id);
    }
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('keeps values encrypted at rest, with the key id, and gives them back', async () => {
    const store = createPostgresCredentialStore({ pool, keyring, accountId: accounts[0]! });
    const secret = Buffer.from('{"noiseKey":"private bytes"}');
    await store.set([{ key: 'creds', value: secret }, { key: 'session-1', value: Buffer.from('s1') }]);
    expect(await store.get('creds')).toEqual(secret);
    expect(await store.get('missing')).toBeNull();
    expect([...(await store.getMany(['creds', 'session-1', 'missing'])).keys()].sort()).toEqual(['creds', 'session-1']);
    const row = await pool.query<{ keyId: string; value: Buffer }>(`SELECT "keyId", value FROM "BridgeCredential" WHERE "accountId" = $1 AND key = 'creds'`, [accounts[0]]);
    expect(row.rows[0]!.keyId).toBe(keyring.current.id);
    expect(row.rows[0]!.value.includes(Buffer.from('private bytes'))).toBe(false);
    expect(await store.keys('session-')).toEqual(['session-1']);
  });

  it('deletes keys set to null, and writes a batch all or nothing', async () => {
    const store = createPostgresCredentialStore({ pool, keyring, accountId: accounts[0]! });
    await store.set([{ key: 'session-1', value: null }]);
    expect(await store.get('session-1')).toBeNull();
    // PostgreSQL refuses a NUL in text: the second write fails after the first one ran.
    const bad = { key: 'bad\u0000key', value: Buffer.from('x') };
    await expect(store.set([{ key: 'pre-key-1', value: Buffer.from('k') }, bad])).rejects.toThrow();
    expect(await store.get('pre-key-1')).toBeNull();
  });

  it('refuses a value moved to another account (the account is bound into the seal), and opens after a key rotation', async () => {
    const a = createPostgresCredentialStore({ pool, keyring, accountId: accounts[0]! });
    await a.set([{ key: 'creds', value: Buffer.from('for a only') }]);
    await pool.query(
      `INSERT INTO "BridgeCredential" ("accountId", key, "keyId", value, "updatedAt")
       SELECT $2, key, "keyId", value, now() FROM "BridgeCredential" WHERE "accountId" = $1 AND key = 'creds'`,
      [accounts[0], accounts[1]],
    );
    const b = createPostgresCredentialStore({ pool, keyring, accountId: accounts[1]! });
    await expect(b.get('creds')).rejects.toMatchObject({ details: { reason: 'tampered' } });
    const rotated = createKeyring(randomBytes(32), [keyring.current.key]);
    const afterRotation = createPostgresCredentialStore({ pool, keyring: rotated, accountId: accounts[0]! });
    expect((await afterRotation.get('creds'))?.toString()).toBe('for a only');
  });

  it('clears every key of one account only (a logout)', async () => {
    const a = createPostgresCredentialStore({ pool, keyring, accountId: accounts[0]! });
    await a.clear();
    expect(await a.keys()).toEqual([]);
    expect((await createPostgresCredentialStore({ pool, keyring, accountId: accounts[1]! }).keys()).length).toBe(1);
  });
});
