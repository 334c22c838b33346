import { generateSecret, generateURI } from 'otplib';
import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import type { Keyring } from '../crypto/secret-box.js';
import { AppError } from '../errors.js';
import type { SignedInSession } from './auth-user.js';
import { readTotpCredential, writeTotpCredential } from './totp-credential.js';

export interface TotpSetup {
  otpauthUrl: string;
  secret: string;
}

/**
 * Starts TOTP for the signed-in user: a new secret, kept but not yet required until enable-totp sees a code from it.
 * Refused while TOTP is on, so a stolen session cannot swap the second factor.
 */
export async function setUpTotp(pool: pg.Pool, keyring: Keyring, session: SignedInSession, issuer = 'Matterline'): Promise<TotpSetup> {
  const row = await pool.query<{ totpSecret: string | null }>(`SELECT "totpSecret" FROM "User" WHERE id = $1`, [session.user.id]);
  if (readTotpCredential(row.rows[0]?.totpSecret ?? null)?.enabled) {
    throw new AppError('conflict', 'two-factor sign-in is already on');
  }
  const secret = generateSecret();
  await pool.query(`UPDATE "User" SET "totpSecret" = $2 WHERE id = $1`, [session.user.id, writeTotpCredential({ secret, enabled: false }, { keyring, userId: session.user.id })]);
  await recordAudit(pool, {
    firmId: session.user.firmId,
    actorUserId: session.user.id,
    actorKind: 'user',
    action: 'auth.totp_setup_started',
    subjectType: 'user',
    subjectId: session.user.id,
  });
  return { otpauthUrl: generateURI({ issuer, label: session.user.email, secret }), secret };
}

/** The otpauth URI of a secret set up and not yet confirmed (for its QR code); 404 when there is none. */
export async function pendingTotpUri(pool: pg.Pool, keyring: Keyring, session: SignedInSession, issuer = 'Matterline'): Promise<string> {
  const row = await pool.query<{ totpSecret: string | null }>(`SELECT "totpSecret" FROM "User" WHERE id = $1`, [session.user.id]);
  const credential = readTotpCredential(row.rows[0]?.totpSecret ?? null, { keyring, userId: session.user.id });
  if (!credential || credential.enabled) throw new AppError('not_found', 'no two-factor set-up is waiting for its first code');
  return generateURI({ issuer, label: session.user.email, secret: credential.secret });
}
