import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Keyring } from '../crypto/secret-box.js';
import { openBytes, sealBytes } from '../crypto/secret-box.js';
import { AppError } from '../errors.js';

export interface StoredBlob {
  sha256: string;
  keyId: string;
  size: number;
}

/**
 * Keeps media bytes encrypted in PostgreSQL, one row per distinct content: the id is the SHA-256 of the plaintext,
 * which is also the hash the record and exports show. Storing the same bytes twice keeps the first copy.
 */
export async function storeBlob(client: pg.ClientBase | pg.Pool, keyring: Keyring, data: Buffer): Promise<StoredBlob> {
  const sha256 = createHash('sha256').update(data).digest('hex');
  const sealed = sealBytes(data, keyring, { context: `blob:${sha256}` });
  await client.query(
    `INSERT INTO "Blob" (id, "keyId", size, data) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
    [sha256, sealed.keyId, data.length, sealed.value],
  );
  return { sha256, keyId: sealed.keyId, size: data.length };
}

/** The plaintext of a stored blob, checked against its hash. */
export async function readBlob(client: pg.ClientBase | pg.Pool, keyring: Keyring, sha256: string): Promise<Buffer> {
  const found = await client.query<{ data: Buffer; keyId: string }>(`SELECT data, "keyId" FROM "Blob" WHERE id = $1`, [sha256]);
  const row = found.rows[0];
  if (!row) throw new AppError('not_found', 'the media file is not in the store', { sha256 });
  const plain = openBytes({ keyId: row.keyId, value: row.data }, keyring, { context: `blob:${sha256}` });
  if (createHash('sha256').update(plain).digest('hex') !== sha256) {
    throw new AppError('internal', 'a stored media file does not match its hash', { sha256 });
  }
  return plain;
}
