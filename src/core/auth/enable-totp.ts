import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import type { Keyring } from '../crypto/secret-box.js';
import { AppError } from '../errors.js';
import type { SignedInSession } from './auth-user.js';
import { checkTotpCode } from './check-totp-code.js';
import { readTotpCredential, writeTotpCredential } from './totp-credential.js';

/** Turns TOTP on once the user shows a code from the secret set up before; from then on sign-in asks for a code. */
export async function enableTotp(pool: pg.Pool, keyring: Keyring, session: SignedInSession, code: string): Promise<void> {
  const key = { keyring, userId: session.user.id };
  const row = await pool.query<{ totpSecret: string | null }>(`SELECT "totpSecret" FROM "User" WHERE id = $1`, [session.user.id]);
  const credential = readTotpCredential(row.rows[0]?.totpSecret ?? null, key);
  if (!credential) throw new AppError('conflict', 'set up two-factor sign-in first (POST /api/auth/totp/setup)');
  if (credential.enabled) throw new AppError('conflict', 'two-factor sign-in is already on');
  const step = await checkTotpCode(credential, code);
  if (step === null) throw new AppError('bad_request', 'that code is not right; check the clock of the device', { field: 'code' });
  await pool.query(`UPDATE "User" SET "totpSecret" = $2 WHERE id = $1`, [
    session.user.id,
    writeTotpCredential({ secret: credential.secret, enabled: true, lastStep: step }, key),
  ]);
  await recordAudit(pool, {
    firmId: session.user.firmId,
    actorUserId: session.user.id,
    actorKind: 'user',
    action: 'auth.totp_enabled',
    subjectType: 'user',
    subjectId: session.user.id,
  });
}
