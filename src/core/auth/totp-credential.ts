import type pg from 'pg';
import type { Keyring } from '../crypto/secret-box.js';
import { openSecret, sealSecret, sealedKeyId } from '../crypto/secret-box.js';
import { AppError } from '../errors.js';

// User.totpSecret holds, until the schema has columns for it, a small JSON document:
//   {"secret": sealed, "enabled": false}            - set up, waiting for the first code to prove the app has it;
//   {"secret": sealed, "enabled": true, "lastStep": n} - required at sign-in; lastStep refuses a replayed code.
// The secret is sealed (AES-256-GCM, the keyring of channel secrets, bound to the user's id): a copy of the database
// alone cannot mint codes. Whether TOTP is on is readable without the key. A null column means TOTP is off.

export interface TotpCredential {
  secret: string;
  enabled: boolean;
  /** The time step of the last accepted code; a code of this step or earlier is refused. */
  lastStep?: number;
}

const totpContext = (userId: string) => `totp:${userId}`;

/** The key to open the secret with; without it the credential's secret is left sealed (enabled is all one can read). */
export interface TotpKey {
  keyring: Keyring;
  userId: string;
}

/** Null when TOTP is off. An unreadable value throws: a second factor must never be skipped because it is garbled. */
export function readTotpCredential(stored: string | null, key?: TotpKey): TotpCredential | null {
  if (!stored) return null;
  let parsed: Partial<TotpCredential>;
  try {
    parsed = JSON.parse(stored) as Partial<TotpCredential>;
  } catch (error) {
    throw new AppError('internal', 'the stored TOTP setting is unreadable', undefined, { cause: error });
  }
  if (typeof parsed.secret !== 'string' || typeof parsed.enabled !== 'boolean') {
    throw new AppError('internal', 'the stored TOTP setting is unreadable');
  }
  // A secret stored before sealing (plain base32) is still read; sealTotpSecrets seals it at the next start.
  const secret = key && sealedKeyId(parsed.secret) !== null ? openSecret(parsed.secret, key.keyring, { context: totpContext(key.userId) }) : parsed.secret;
  return { secret, enabled: parsed.enabled, ...(typeof parsed.lastStep === 'number' ? { lastStep: parsed.lastStep } : {}) };
}

export const writeTotpCredential = (credential: TotpCredential, key: TotpKey): string =>
  JSON.stringify({ ...credential, secret: sealSecret(credential.secret, key.keyring, { context: totpContext(key.userId) }) });

/** Seals the TOTP secrets still stored in the clear (written before they were sealed); run at start. */
export async function sealTotpSecrets(pool: pg.Pool, keyring: Keyring): Promise<number> {
  // Only rows not sealed yet are read: after the first start this finds nothing.
  const rows = await pool.query<{ id: string; totpSecret: string }>(
    `SELECT id, "totpSecret" FROM "User" WHERE "totpSecret" IS NOT NULL AND "totpSecret" NOT LIKE '%"secret":"v1:%'`,
  );
  let sealed = 0;
  for (const row of rows.rows) {
    const credential = readTotpCredential(row.totpSecret);
    if (!credential || sealedKeyId(credential.secret) !== null) continue;
    const updated = await pool.query(`UPDATE "User" SET "totpSecret" = $2 WHERE id = $1 AND "totpSecret" = $3`, [
      row.id,
      writeTotpCredential(credential, { keyring, userId: row.id }),
      row.totpSecret,
    ]);
    sealed += updated.rowCount ?? 0;
  }
  return sealed;
}
