import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import type { Keyring } from '../crypto/secret-box.js';
import { AppError } from '../errors.js';
import type { SignedInSession } from './auth-user.js';
import { checkTotpCode } from './check-totp-code.js';
import { readTotpCredential } from './totp-credential.js';

/** Where the signed-in person's two-factor sign-in stands: on, set up and waiting for a first code, or off. */
export async function totpStatus(pool: pg.Pool, keyring: Keyring, session: SignedInSession): Promise<{ enabled: boolean; pending: boolean }> {
  const row = await pool.query<{ totpSecret: string | null }>(`SELECT "totpSecret" FROM "User" WHERE id = $1`, [session.user.id]);
  const credential = readTotpCredential(row.rows[0]?.totpSecret ?? null, { keyring, userId: session.user.id });
  return { enabled: credential?.enabled ?? false, pending: credential !== null && !credential.enabled };
}

/**
 * Turns two-factor sign-in off for the signed-in person, only with a current code from it: a stolen session alone
 * cannot remove the second factor.
 */
export async function disableTotp(pool: pg.Pool, keyring: Keyring, session: SignedInSession, code: string): Promise<void> {
  const key = { keyring, userId: session.user.id };
  const row = await pool.query<{ totpSecret: string | null }>(`SELECT "totpSecret" FROM "User" WHERE id = $1`, [session.user.id]);
  const credential = readTotpCredential(row.rows[0]?.totpSecret ?? null, key);
  if (!credential?.enabled) throw new AppError('conflict', 'two-factor sign-in is not on');
  const step = await checkTotpCode(credential, code);
  if (step === null) throw new AppError('bad_request', 'that code is not right; check the clock of the device', { field: 'code' });
  await pool.query(`UPDATE "User" SET "totpSecret" = NULL WHERE id = $1`, [session.user.id]);
  await recordAudit(pool, {
    firmId: session.user.firmId,
    actorUserId: session.user.id,
    actorKind: 'user',
    action: 'auth.totp_disabled',
    subjectType: 'user',
    subjectId: session.user.id,
  });
}
