import type pg from 'pg';
import type { Keyring } from '../crypto/secret-box.js';
import { openBytes, sealBytes } from '../crypto/secret-box.js';
import { withTransaction } from '../transaction.js';
import type { CredentialStore, CredentialStoreFactory } from './credential-store.js';

export interface PostgresCredentialStoreOptions {
  pool: pg.Pool;
  keyring: Keyring;
  accountId: string;
}

/**
 * A CredentialStore over the BridgeCredential table: one row per key, sealed with AES-256-GCM under the keyring's
 * current key, the key id in its own column for rotation. The account and key are bound into each seal, so a value
 * copied to another account or key fails to open instead of being used as the wrong secret.
 */
export function createPostgresCredentialStore(options: PostgresCredentialStoreOptions): CredentialStore {
  const { pool, keyring, accountId } = options;
  const context = (key: string) => `bridge-credential:${accountId}:${key}`;
  const open = (row: { key: string; keyId: string; value: Buffer }) =>
    openBytes({ keyId: row.keyId, value: row.value }, keyring, { context: context(row.key) });

  return {
    async get(key) {
      const found = await pool.query<{ key: string; keyId: string; value: Buffer }>(
        `SELECT key, "keyId", value FROM "BridgeCredential" WHERE "accountId" = $1 AND key = $2`,
        [accountId, key],
      );
      const row = found.rows[0];
      return row ? open(row) : null;
    },

    async getMany(keys) {
      const result = new Map<string, Buffer>();
      if (keys.length === 0) return result;
      const found = await pool.query<{ key: string; keyId: string; value: Buffer }>(
        `SELECT key, "keyId", value FROM "BridgeCredential" WHERE "accountId" = $1 AND key = ANY($2::text[])`,
        [accountId, [...keys]],
      );
      for (const row of found.rows) result.set(row.key, open(row));
      return result;
    },

    async set(entries) {
      if (entries.length === 0) return;
      await withTransaction(pool, async (client) => {
        for (const { key, value } of entries) {
          if (value === null) {
            await client.query(`DELETE FROM "BridgeCredential" WHERE "accountId" = $1 AND key = $2`, [accountId, key]);
            continue;
          }
          const sealed = sealBytes(value, keyring, { context: context(key) });
          await client.query(
            `INSERT INTO "BridgeCredential" ("accountId", key, "keyId", value, "updatedAt")
             VALUES ($1, $2, $3, $4, now())
             ON CONFLICT ("accountId", key) DO UPDATE
               SET "keyId" = EXCLUDED."keyId", value = EXCLUDED.value, "updatedAt" = now()`,
            [accountId, key, sealed.keyId, sealed.value],
          );
        }
      });
    },

    async keys(prefix = '') {
      const found = await pool.query<{ key: string }>(
        `SELECT key FROM "BridgeCredential" WHERE "accountId" = $1 AND starts_with(key, $2) ORDER BY key`,
        [accountId, prefix],
      );
      return found.rows.map((row) => row.key);
    },

    async clear() {
      await pool.query(`DELETE FROM "BridgeCredential" WHERE "accountId" = $1`, [accountId]);
    },
  };
}

/** The factory the runtime passes to bridges (BridgeDependencies.credentials). */
export const postgresCredentialStoreFactory =
  (pool: pg.Pool, keyring: Keyring): CredentialStoreFactory =>
  (accountId) =>
    createPostgresCredentialStore({ pool, keyring, accountId });
